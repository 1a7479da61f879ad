package io.dlpipe.ml;

import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small seeded house-price-like data for the Spark ML tests, and one regression model fitted on it
 * once per JVM (fits cost seconds; tests that only score share it).
 *
 * <p>{@code price = 10 + 3 x1 - 2 x2 + {red: 2, green: 0, blue: -2} + noise}; {@code band} is
 * {@code high} when the price is above 10, else {@code low}.
 */
final class MlFixtures {
  static final int ROWS = 300;
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("x1", DataTypes.DoubleType, true)
          .add("x2", DataTypes.DoubleType, true)
          .add("color", DataTypes.StringType, true)
          .add("price", DataTypes.DoubleType, true)
          .add("band", DataTypes.StringType, true);
  private static final String[] COLORS = {"red", "green", "blue"};

  private static DlpipeModel model;
  private static Path modelWorkspace;

  private MlFixtures() {}

  /** The rows, seeded: the same on every run. */
  static List<Row> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = Math.round(r.nextGaussian() * 1000) / 1000.0;
      double x2 = Math.round(r.nextGaussian() * 1000) / 1000.0;
      String color = COLORS[r.nextInt(COLORS.length)];
      double effect = color.equals("red") ? 2 : color.equals("green") ? 0 : -2;
      double price =
          Math.round((10 + 3 * x1 - 2 * x2 + effect + 0.1 * r.nextGaussian()) * 1000) / 1000.0;
      out.add(RowFactory.create(i, x1, x2, color, price, price > 10 ? "high" : "low"));
    }
    return out;
  }

  static Dataset<Row> frame(SparkSession spark) {
    return spark.createDataFrame(rows(ROWS, 7), SCHEMA);
  }

  /** The same rows as one CSV file, as the CLI reads them. */
  static Path csv(Path dir) {
    StringBuilder s = new StringBuilder("id,x1,x2,color,price,band\n");
    for (Row r : rows(ROWS, 7)) {
      s.append(
          String.format(
              Locale.ROOT,
              "%d,%s,%s,%s,%s,%s%n",
              r.getInt(0),
              r.getDouble(1),
              r.getDouble(2),
              r.getString(3),
              r.getDouble(4),
              r.getString(5)));
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("houses.csv");
      Files.writeString(file, s.toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small, quickly trained regression estimator. */
  /**
   * Scores the fixture's CSV files under {@code in} as a file-source stream (every column text, as
   * a stream of raw files arrives) with {@code model}, once ({@code Trigger.AvailableNow}), into
   * Parquet at {@code out}; fails the test on a query error.
   */
  static void scoreStream(SparkSession spark, DlpipeModel model, Path in, Path out, Path checkpoint)
      throws Exception {
    StructType text = new StructType();
    for (String c : List.of("id", "x1", "x2", "color", "price", "band")) {
      text = text.add(c, DataTypes.StringType);
    }
    Dataset<Row> stream = spark.readStream().schema(text).option("header", true).csv(in.toString());
    StreamingQuery query =
        model
            .transform(stream)
            .writeStream()
            .format("parquet")
            .option("checkpointLocation", checkpoint.toString())
            .trigger(Trigger.AvailableNow())
            .start(out.toString());
    query.awaitTermination();
    org.junit.jupiter.api.Assertions.assertEquals(
        null, query.exception().isDefined() ? query.exception().get() : null);
  }

  static DlpipeEstimator regression() {
    return new DlpipeEstimator()
        .setLabelCol("price")
        .setTask("regression")
        .setFeaturesCols("x1", "x2", "color")
        .setEpochs(2)
        .setHiddenLayers(8)
        .setLearningRate(0.01)
        .setValidationFraction(0.2);
  }

  /**
   * The shared regression model (ten epochs: enough to learn the target well), fitted once on
   * {@link #frame} in a kept workspace.
   */
  static synchronized DlpipeModel model() {
    if (model == null) {
      try {
        modelWorkspace = Files.createTempDirectory("dlpipe-ml-model");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      model =
          regression()
              .setEpochs(10)
              .setLearningRate(0.03)
              .setWorkDir(modelWorkspace.toString())
              .fit(frame(TestSpark.get()));
    }
    return model;
  }

  /** The workspace {@link #model()} was fitted in: prepared/ and model/ as the CLI writes them. */
  static synchronized Path modelWorkspace() {
    model();
    return modelWorkspace;
  }
}
