package io.dlpipe.bench;

import io.dlpipe.etl.FittedTransform;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * What a Spark user would write instead of {@code dlpipe etl}: read the CSV with its types, split
 * by a hash of the row (80/10/10), and an MLlib Pipeline of Imputer (median), StringIndexer plus
 * OneHotEncoder, VectorAssembler and StandardScaler, fitted on train; the three transformed splits
 * and the fitted pipeline are written.
 *
 * <p>It uses the column roles dlpipe inferred (from its transform.json), so both produce the same
 * features; the date column, which dlpipe treats as text, becomes a day number here, as a user of
 * MLlib would do. The parsed input is cached as dlpipe caches its own, so the fit's passes do not
 * reread the CSV.
 */
public final class MllibPipelineJob {
  private static final String LABEL = "label";

  private MllibPipelineJob() {}

  /** Runs the job and returns its wall-clock seconds. */
  public static double run(
      SparkSession spark, String rawDir, String outDir, FittedTransform roles, BenchShape shape) {
    spark
        .sparkContext()
        .setJobGroup("bench-mllib", "bench: equivalent MLlib Pipeline on " + shape.kebab(), false);
    long start = System.nanoTime();
    Dataset<Row> raw = spark.read().option("header", "true").csv(rawDir);
    List<String> numeric = new ArrayList<>();
    List<String> text = new ArrayList<>();
    List<Column> typed = new ArrayList<>();
    for (FittedTransform.NumericFeature f : roles.numeric()) {
      numeric.add(f.name());
      typed.add(functions.col(f.name()).cast("double").as(f.name()));
    }
    for (FittedTransform.CategoricalFeature f : roles.categorical()) {
      if (f.name().equals(shape.dateColumn())) {
        numeric.add(f.name());
        typed.add(
            functions
                .datediff(functions.to_date(functions.col(f.name())), functions.lit("1970-01-01"))
                .cast("double")
                .as(f.name()));
      } else {
        text.add(f.name());
        typed.add(functions.col(f.name()));
      }
    }
    typed.add(functions.col(shape.target()));
    // The split hashes the row without its target, as etl's does: a split that depends on the label
    // is adversarial.
    String[] features =
        java.util.Arrays.stream(raw.columns())
            .filter(c -> !c.equals(shape.target()))
            .toArray(String[]::new);
    Column bucket = functions.pmod(functions.xxhash64(cols(features)), functions.lit(100));
    Dataset<Row> parsed =
        raw.withColumn("_bucket", bucket)
            .select(withBucket(typed))
            .persist(StorageLevel.MEMORY_AND_DISK());

    List<PipelineStage> stages = new ArrayList<>();
    String label = shape.target();
    if (shape.task().equals("classification")) {
      stages.add(
          new StringIndexer()
              .setInputCol(shape.target())
              .setOutputCol(LABEL)
              .setStringOrderType("alphabetAsc"));
      label = LABEL;
    }
    List<String> assembled = new ArrayList<>();
    if (!numeric.isEmpty()) {
      String[] imputed = numeric.stream().map(c -> c + "_imp").toArray(String[]::new);
      stages.add(
          new Imputer()
              .setStrategy("median")
              .setInputCols(numeric.toArray(new String[0]))
              .setOutputCols(imputed));
      assembled.addAll(List.of(imputed));
    }
    if (!text.isEmpty()) {
      String[] indexed = text.stream().map(c -> c + "_idx").toArray(String[]::new);
      String[] encoded = text.stream().map(c -> c + "_ohe").toArray(String[]::new);
      stages.add(
          new StringIndexer()
              .setInputCols(text.toArray(new String[0]))
              .setOutputCols(indexed)
              .setHandleInvalid("keep"));
      stages.add(
          new OneHotEncoder()
              .setInputCols(indexed)
              .setOutputCols(encoded)
              .setHandleInvalid("keep"));
      assembled.addAll(List.of(encoded));
    }
    stages.add(
        new VectorAssembler()
            .setInputCols(assembled.toArray(new String[0]))
            .setOutputCol("assembled")
            .setHandleInvalid("keep"));
    stages.add(
        new StandardScaler()
            .setInputCol("assembled")
            .setOutputCol("features")
            .setWithMean(true)
            .setWithStd(true));

    Dataset<Row> labelled =
        shape.task().equals("classification")
            ? parsed
            : parsed.withColumn(shape.target(), functions.col(shape.target()).cast("double"));
    Dataset<Row> train = labelled.where("_bucket < 80");
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
    write(model.transform(train), label, outDir + "/train");
    write(
        model.transform(labelled.where("_bucket >= 80 AND _bucket < 90")),
        label,
        outDir + "/validation");
    write(model.transform(labelled.where("_bucket >= 90")), label, outDir + "/test");
    try {
      model.write().overwrite().save(outDir + "/pipeline");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot write the fitted MLlib pipeline to " + outDir, e);
    }
    parsed.unpersist();
    double seconds = Timing.since(start);
    spark.sparkContext().clearJobGroup();
    return seconds;
  }

  private static void write(Dataset<Row> transformed, String label, String path) {
    transformed
        .select(functions.col("features"), functions.col(label).cast("double").as(LABEL))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(path);
  }

  private static Column[] cols(String[] names) {
    Column[] c = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      c[i] = functions.col("`" + names[i] + "`");
    }
    return c;
  }

  private static Column[] withBucket(List<Column> typed) {
    List<Column> all = new ArrayList<>(typed);
    all.add(functions.col("_bucket"));
    return all.toArray(new Column[0]);
  }
}
