package io.dlpipe.bench;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.synth.Shape;
import io.dlpipe.synth.SyntheticData;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * One benchmark dataset on disk: its raw CSV (generated once and kept, marked complete by a {@code
 * _DONE} file, so a rerun of the suite skips generation) and a dlpipe workspace over it. Rows are
 * clean (no malformed ones) so that every engine compared reads the same good rows.
 *
 * @param dir the dataset's folder: raw/, ws/ and the other engines' outputs
 */
public record BenchWorkspace(
    BenchShape shape, long rows, int wideColumns, String dir, List<String> extraSettings) {

  public BenchWorkspace {
    extraSettings = List.copyOf(extraSettings);
  }

  /** The dataset's folder under {@code work} for a shape and size. */
  public static BenchWorkspace under(
      String work, BenchShape shape, long rows, int wideColumns, List<String> extraSettings) {
    String name = shape.kebab() + (shape == BenchShape.WIDE ? wideColumns : "") + "-" + rows;
    return new BenchWorkspace(shape, rows, wideColumns, work + "/" + name, extraSettings);
  }

  public String raw() {
    return dir + "/raw";
  }

  public String output() {
    return dir + "/ws";
  }

  /** Columns of the raw CSV. */
  public int columns() {
    return switch (shape) {
      case AMES -> 17;
      case CREDIT -> 14;
      case WIDE -> new WideData(wideColumns, 7).header().length;
    };
  }

  /** Writes the raw CSV unless a complete one is there. */
  public void generate(SparkSession spark, int files) {
    HadoopFiles fs = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    String done = raw() + "/_DONE";
    if (fs.exists(done)) {
      return;
    }
    fs.deleteRecursively(raw());
    spark
        .sparkContext()
        .setJobGroup(
            "bench-generate", "bench: generate " + rows + " " + shape.kebab() + " rows", false);
    switch (shape) {
      case AMES -> new SyntheticData(Shape.AMES, 7, 0.0).write(spark, raw(), rows, files);
      case CREDIT -> new SyntheticData(Shape.CREDIT, 7, 0.0).write(spark, raw(), rows, files);
      case WIDE -> new WideData(wideColumns, 7).write(spark, raw(), rows, files);
    }
    spark.sparkContext().clearJobGroup();
    fs.writeText(done, "");
  }

  /** dlpipe's configuration over this dataset, with the given extra settings last. */
  public DlpipeConfig config(String... more) {
    List<String> sets =
        new ArrayList<>(
            List.of(
                "input.path=" + raw(),
                "input.format=csv",
                "target.column=" + shape.target(),
                "target.task=" + shape.task(),
                "output.dir=" + output()));
    sets.addAll(shape.extraSettings());
    sets.addAll(extraSettings);
    sets.addAll(List.of(more));
    return ConfigLoader.load(null, sets);
  }
}
