import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Writes dlpipe's prepared train/validation/test splits as plain CSV (label first, then the
 * feature vector) so that the peer models in peers.py read exactly the features and split the
 * network trained on, without pyarrow. Harness only: run by jobs/quality with the launcher's class path.
 *
 * <p>java -cp 'target/dlpipe.jar:target/lib/*' jobs/quality-peers/ExportSplits.java PREPARED_DIR OUT_DIR
 */
public class ExportSplits {
  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("dlpipe-quality-export")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    try {
      for (String split : new String[] {"train", "validation", "test"}) {
        Path out = Path.of(args[1], split);
        spark.read().parquet(args[0] + "/" + split)
            .select(functions.concat_ws(",", functions.col("label").cast("string"), functions.concat_ws(",", functions.col("features").cast("array<string>"))))
            .coalesce(1).write().mode("overwrite").text(out.toString());
        try (Stream<Path> parts = Files.list(out)) {
          Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
          Files.move(part, Path.of(args[1], split + ".csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } finally {
      spark.stop();
    }
  }
}
