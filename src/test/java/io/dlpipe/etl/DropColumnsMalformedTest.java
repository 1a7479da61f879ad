package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19.1: a malformed row is malformed whichever columns privacy drops. */
class DropColumnsMalformedTest {
  @TempDir Path tmp;

  private final SparkSession spark = TestSpark.get();

  /**
   * 200 good rows and 20 whose values shifted one column left (one field short), and 0 too long.
   */
  static Path shiftedCsv(Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("id,name,x,city,y\n");
    for (int i = 1; i <= 220; i++) {
      String city = List.of("Ames", "Boone", "Story").get(i % 3);
      if (i % 11 == 0) {
        csv.append("Person")
            .append(i)
            .append(',')
            .append(i * 1.5)
            .append(',')
            .append(city)
            .append(',')
            .append(2 * i)
            .append('\n');
      } else {
        csv.append(i)
            .append(",Person")
            .append(i)
            .append(',')
            .append(i * 1.5)
            .append(',')
            .append(city)
            .append(',')
            .append(2 * i + i % 4)
            .append('\n');
      }
    }
    Path input = dir.resolve("shifted.csv");
    Files.writeString(input, csv);
    return input;
  }

  private DlpipeConfig config(Path input, String ws, String... extra) {
    return TestConfig.of(input, "y", "regression", tmp.resolve(ws))
        .set(
            "etl.max-reject-ratio=0.2",
            "train.epochs=1",
            "train.model.hidden-layers=[4]",
            "train.approach=direct")
        .set(extra)
        .env(Map.of())
        .load();
  }

  private EtlSummary etl(Path input, String ws, String... extra) {
    return new EtlJob(spark, config(input, ws, extra)).run().summary();
  }

  @Test
  void shiftedRowsAreMalformedWithAndWithoutDroppedColumnsInEtlAndPredict() throws Exception {
    Path input = shiftedCsv(tmp);
    // A session dlpipe did not start (a notebook's) keeps Spark's default, column pruning on: the
    // reader must still see every field.
    spark.conf().set(SparkSessions.CSV_COLUMN_PRUNING, true);
    EtlSummary plain = etl(input, "plain");
    assertEquals(Map.of("malformed_row", 20L), plain.quarantinedByReason());
    EtlSummary dropped = etl(input, "dropped", "privacy.drop-columns=[name]");
    assertEquals(Map.of("malformed_row", 20L), dropped.quarantinedByReason());
    EtlSummary droppedTwo = etl(input, "dropped2", "privacy.drop-columns=[name, city]");
    assertEquals(Map.of("malformed_row", 20L), droppedTwo.quarantinedByReason());
    assertEquals(200L, dropped.totalWritten());

    DlpipeConfig cfg = config(input, "dropped", "privacy.drop-columns=[name]");
    new TrainJob(spark, cfg).run(true);
    spark.conf().set(SparkSessions.CSV_COLUMN_PRUNING, true);
    Path out = tmp.resolve("scored");
    Map<String, Long> counts = new PredictJob(spark, cfg, input.toString(), out.toString()).run();
    assertEquals(Map.of("rows_read", 220L, "rows_scored", 200L, "rows_quarantined", 20L), counts);
    assertEquals(
        List.of("malformed_row"),
        spark
            .read()
            .parquet(PredictJob.quarantineOf(out.toString()))
            .select("reason")
            .distinct()
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
  }
}
