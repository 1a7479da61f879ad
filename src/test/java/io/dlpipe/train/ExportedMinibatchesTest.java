package io.dlpipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.RegressionHead;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The train split exported once as minibatch files, dealt out anew each epoch, and removed. Local
 * Spark.
 */
class ExportedMinibatchesTest {
  @TempDir Path tmp;

  private static Dataset<Row> rows(SparkSession spark, int n, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(new float[] {i, -i, 0.5f * i}, (double) i));
    }
    StructType schema =
        new StructType()
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  private static List<List<String>> names(List<List<String>> dealt) {
    return dealt.stream()
        .map(part -> part.stream().map(p -> Path.of(p).getFileName().toString()).toList())
        .toList();
  }

  @Test
  void writesEveryRowOnceDealsEachEpochAnewAndDeletesOnlyItsFolder() throws IOException {
    SparkSession spark = TestSpark.get();
    LongAccumulator converted = spark.sparkContext().longAccumulator();
    Path userFile = Files.writeString(tmp.resolve("keep.txt"), "the user's");
    ExportedMinibatches ex =
        ExportedMinibatches.write(
            rows(spark, 103, 3),
            tmp.toString(),
            3,
            10,
            new RegressionHead(TrainConfig.TargetTransform.NONE, 0, 1),
            null,
            converted);

    assertEquals(103, converted.value());
    List<String> paths = ex.paths().collect();
    assertEquals(ex.count(), paths.size());
    // Each of the 3 partitions ends with one short minibatch: at least 11 files, at most 13.
    assertTrue(paths.size() >= 11 && paths.size() <= 13, paths.size() + " files");
    List<Double> labels = new ArrayList<>();
    for (String p : paths) {
      try (InputStream in = Files.newInputStream(Path.of(p))) {
        DataSet ds = MinibatchFile.read(in, p);
        float[] f = ds.getFeatures().data().asFloat();
        float[] l = ds.getLabels().data().asFloat();
        for (int r = 0; r < l.length; r++) {
          assertEquals(l[r], f[3 * r]);
          assertEquals(-l[r], f[3 * r + 1], 0f); // 0 and -0 alike
          labels.add((double) l[r]);
        }
      }
    }
    assertEquals(103, labels.size());
    assertEquals(103, new HashSet<>(labels).size(), "every row exactly once");

    List<List<String>> epoch1 = ex.dealt(1, 2, 12345).glom().collect();
    List<List<String>> epoch1Again = ex.dealt(1, 2, 12345).glom().collect();
    List<List<String>> epoch2 = ex.dealt(2, 2, 12345).glom().collect();
    assertEquals(2, epoch1.size());
    assertEquals(epoch1, epoch1Again, "the same seed and epoch deal the same way");
    assertNotEquals(epoch1, epoch2, "another epoch deals anew");
    for (List<List<String>> dealt : List.of(epoch1, epoch2)) {
      List<String> all = new ArrayList<>(dealt.get(0));
      all.addAll(dealt.get(1));
      assertEquals(new HashSet<>(paths), new HashSet<>(all));
      assertEquals(paths.size(), all.size());
    }

    // A second export of the same rows (another folder, as every run has) deals them the same way.
    ExportedMinibatches again =
        ExportedMinibatches.write(
            rows(spark, 103, 3),
            tmp.toString(),
            3,
            10,
            new RegressionHead(TrainConfig.TargetTransform.NONE, 0, 1),
            null,
            null);
    assertEquals(names(epoch1), names(again.dealt(1, 2, 12345).glom().collect()));
    again.delete();

    Path dir = Path.of(paths.get(0)).getParent();
    assertTrue(dir.getFileName().toString().startsWith("minibatches-"));
    ex.delete();
    assertFalse(Files.exists(dir));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(userFile), left.toList(), "only the folder it created is removed");
    }
  }
}
