package io.dlpipe.cli;

import io.dlpipe.config.SparkSettings;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.synth.Shape;
import io.dlpipe.synth.SyntheticData;
import io.dlpipe.workspace.OutputKind;
import io.dlpipe.workspace.StagedOutput;
import io.dlpipe.workspace.WorkspaceGuard;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlpipe synth}: seeded synthetic raw CSV shaped like a bundled dataset, of any size. */
@Command(
    name = "synth",
    description =
        "Write seeded synthetic raw CSV shaped like a bundled dataset (for tests and benchmarks).",
    mixinStandardHelpOptions = true)
final class SynthCommand implements Callable<Integer> {
  @Option(names = "--shape", required = true, description = "credit | ames | wide")
  Shape shape;

  @Option(names = "--rows", required = true, description = "Number of data rows.")
  long rows;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "PATH",
      description = "Output folder (any Hadoop path).")
  String out;

  @Option(
      names = "--files",
      defaultValue = "4",
      description = "Number of CSV files (default ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--malformed-ratio",
      defaultValue = "0.01",
      description = "Share of bad rows (default ${DEFAULT-VALUE}).")
  double malformedRatio;

  @Option(
      names = "--columns",
      defaultValue = "500",
      description = "Feature columns of --shape wide (default ${DEFAULT-VALUE}).")
  int columns;

  @Option(
      names = "--date-column",
      description = "Append Recorded_At, an ISO-8601 timestamp the target depends on.")
  boolean dateColumn;

  @Option(names = "--master", description = "Spark master (default local[*]).")
  String master;

  @Override
  public Integer call() {
    if (rows < 1
        || files < 1
        || !(malformedRatio >= 0 && malformedRatio <= 1)
        || columns < 2) { // NaN is out of range
      throw new io.dlpipe.ConfigException(
          "synth: expected --rows >= 1, --files >= 1, --malformed-ratio in [0, 1] and --columns >= 2, found "
              + rows
              + ", "
              + files
              + ", "
              + malformedRatio
              + ", "
              + columns);
    }
    SparkSettings settings = new SparkSettings("", "dlpipe-synth", Map.of(), "");
    String resolved = SparkSessions.resolveMaster(master, settings);
    // A folder of the user's is never written into: only a new, empty or earlier synth folder,
    // replaced as a whole.
    WorkspaceGuard.synth(new Configuration(), out).check();
    SparkSession spark = SparkSessions.getOrCreate(resolved, settings);
    try {
      HadoopFiles hadoopFiles = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
      StagedOutput staged = StagedOutput.begin(hadoopFiles, out, OutputKind.SYNTH, "--out");
      try {
        new SyntheticData(shape, seed, malformedRatio, columns, dateColumn)
            .write(spark, staged.path(), rows, files);
        staged.commit();
      } catch (RuntimeException e) {
        throw staged.failed(e);
      }
      System.out.println(out);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
