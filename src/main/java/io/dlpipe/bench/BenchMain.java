package io.dlpipe.bench;

import io.dlpipe.config.SparkSettings;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.SparkSessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/bench}'s entry point: parses the options, builds the suite's plan, runs it on one
 * SparkSession, writes the JSON and prints the tables. Kept apart from {@code dlpipe}'s commands:
 * it is a development tool, not part of the pipeline a scheduler runs.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark dlpipe against the floor and the alternatives, in one run on the same data.",
      "quick and full write bench/results.json; scale adds one row count to bench/scale.json."
    })
public final class BenchMain implements Callable<Integer> {
  @Option(
      names = "--suite",
      required = true,
      converter = SuiteName.class,
      description = "quick | full | scale | scale-out | scale-out-rounds")
  Suite suite;

  @Option(
      names = "--widths",
      split = ",",
      description = "scale-out: worker counts (default 1,2,4,8,16,32,64).")
  List<Integer> widths = List.of(1, 2, 4, 8, 16, 32, 64);

  @Option(names = "--shapes", split = ",", description = "scale-out: ames, credit (default both).")
  List<BenchShape> shapes = List.of(BenchShape.AMES, BenchShape.CREDIT);

  @Option(
      names = "--networks",
      split = ",",
      description = "scale-out: default, 2x512 (default both).")
  List<String> networks = List.of("default", "2x512");

  @Option(
      names = "--averagings",
      split = ",",
      description = "scale-out: train.averaging.method values (default simple,block-momentum).")
  List<String> averagings = List.of("simple", "block-momentum");

  @Option(
      names = "--modes",
      split = ",",
      description =
          "scale-out: fixed (one dataset at every width), per-worker (rows per worker held constant) (default both).")
  List<String> modes = List.of("fixed", "per-worker");

  @Option(
      names = "--rows-per-worker",
      defaultValue = "4096",
      description = "scale-out, mode per-worker: train rows per worker (default ${DEFAULT-VALUE}).")
  long rowsPerWorker;

  /** Suite names as typed: scale-out for SCALE_OUT. */
  static final class SuiteName implements CommandLine.ITypeConverter<Suite> {
    @Override
    public Suite convert(String value) {
      return Suite.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Results file (default bench/results.json, or bench/scale.json for scale).")
  String out;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Datasets and outputs; raw data is kept and reused (default work/bench).")
  String work;

  @Option(
      names = "--master",
      defaultValue = "local[2]",
      description = "Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = "--etl",
      split = ",",
      paramLabel = "SHAPE:ROWS",
      description =
          "ETL cases, e.g. ames:1000000,credit:1000000,wide:100000 (default: the suite's).")
  List<String> etl;

  @Option(names = "--rows", description = "scale: the row count of this run.")
  Long rows;

  @Option(
      names = "--etl-only",
      description = "quick, full: run the ETL cases only, not the training side.")
  boolean etlOnly;

  @Option(names = "--no-train", description = "scale: ETL only, no training epoch.")
  boolean noTrain;

  @Option(
      names = "--repeats",
      description = "Runs of each ETL job and of feed and scan (default: the suite's).")
  Integer repeats;

  @Option(
      names = "--train-rows",
      description = "Rows of the Ames-shaped training dataset (default: the suite's).")
  Long trainRows;

  @Option(
      names = "--epochs",
      description = "Epochs of the default network on Spark (default: the suite's).")
  Integer epochs;

  @Option(
      names = "--wide-columns",
      description = "Numeric columns of the wide shape (default 500).")
  Integer wideColumns;

  @Option(
      names = "--files",
      defaultValue = "4",
      description = "CSV files per generated dataset (default ${DEFAULT-VALUE}).")
  int files;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A dlpipe setting for every dlpipe job of the run (repeatable), to benchmark it.")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() {
    String home = System.getProperty("dlpipe.home", ".");
    String workDir = work != null ? work : Path.of(home, "work", "bench").toString();
    Map<String, String> conf = new java.util.LinkedHashMap<>(Map.of("spark.ui.enabled", "false"));
    if (master.startsWith("local-cluster")) {
      // Executor JVMs forked by the in-process Workers load dlpipe and DL4J from this class path.
      // Absolute: the executors run in the Worker's work directory, not here.
      conf.put(
          "spark.executor.extraClassPath",
          java.util.Arrays.stream(
                  System.getProperty("java.class.path").split(java.io.File.pathSeparator))
              .map(p -> Path.of(p).toAbsolutePath().toString())
              .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
      conf.put("spark.executor.memory", "512m");
      // DL4J's training statistics otherwise ask pool.ntp.org for the time, and fail without a
      // network.
      conf.put(
          "spark.executor.extraJavaOptions",
          "-D" + ScaleOutRounds.TIME_SOURCE + "=" + ScaleOutRounds.SYSTEM_CLOCK);
      System.setProperty(ScaleOutRounds.TIME_SOURCE, ScaleOutRounds.SYSTEM_CLOCK);
    }
    SparkSettings settings = new SparkSettings(master, "dlpipe-bench", conf, "");
    SparkSession spark = SparkSessions.getOrCreate(master, settings);
    try {
      HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
      if (suite == Suite.SCALE) {
        if (rows == null || rows < 1000) {
          throw new CommandLine.ParameterException(
              new CommandLine(this), "--suite scale needs --rows N (N >= 1000)");
        }
        String path = out != null ? out : Path.of(home, "bench", "scale.json").toString();
        ScaleBench.Entry entry = ScaleBench.run(spark, workDir, rows, !noTrain, sets, this.files);
        System.out.print(ScaleBench.render(ScaleBench.merge(files, path, entry)));
        System.out.println("written: " + path);
        return 0;
      }
      if (suite == Suite.SCALE_OUT) {
        String path = out != null ? out : Path.of(home, "bench", "scale-out.json").toString();
        ScaleOutBench.Plan plan =
            new ScaleOutBench.Plan(
                shapes,
                widths,
                rows == null ? 300_000 : rows,
                epochs == null ? 5 : epochs,
                networks,
                averagings,
                modes,
                rowsPerWorker,
                sets);
        ScaleOutBench.Results results = ScaleOutBench.run(spark, workDir, plan, files, path);
        System.out.print(ScaleOutBench.render(results));
        for (Map.Entry<String, String> chart : ScaleOutBench.svg(results).entrySet()) {
          String svg =
              Path.of(path).resolveSibling("scale-out-" + chart.getKey() + ".svg").toString();
          files.writeText(svg, chart.getValue());
        }
        System.out.println("written: " + path);
        return 0;
      }
      if (suite == Suite.SCALE_OUT_ROUNDS) {
        String path = out != null ? out : Path.of(home, "bench", "scale-out.json").toString();
        List<Integer> w =
            widths.equals(List.of(1, 2, 4, 8, 16, 32, 64)) ? List.of(8, 32, 64) : widths;
        awaitExecutors(spark);
        ScaleOutBench.Results results =
            ScaleOutBench.writeRoundCosts(
                files, path, ScaleOutRounds.run(spark, networks, w, repeats == null ? 5 : repeats));
        results.roundCosts().forEach(System.out::println);
        System.out.println("written: " + path);
        return 0;
      }
      SuitePlan plan = plan();
      String path = out != null ? out : Path.of(home, "bench", "results.json").toString();
      BenchSuite bench = new BenchSuite(spark, workDir, sets).etlOnly(etlOnly);
      BenchResults results =
          bench.run(
              suite.name().toLowerCase(Locale.ROOT), plan, partial -> bench.write(partial, path));
      bench.write(results, path);
      System.out.print(ResultsTable.render(results));
      System.out.println("written: " + path);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Under local-cluster[N,...], waits up to two minutes for the N executors to register. */
  private static void awaitExecutors(SparkSession spark) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^local-cluster\\[(\\d+),")
            .matcher(spark.sparkContext().master());
    int want = m.find() ? Integer.parseInt(m.group(1)) : 0;
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < want + 1
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  SuitePlan plan() {
    SuitePlan plan = SuitePlan.of(suite);
    if (etl != null && !etl.isEmpty()) {
      List<SuitePlan.EtlSpec> cases = new ArrayList<>();
      for (String c : etl) {
        String[] p = c.split(":");
        if (p.length != 2) {
          throw new CommandLine.ParameterException(
              new CommandLine(this),
              "--etl expects SHAPE:ROWS (ames, credit or wide), found '" + c + "'");
        }
        cases.add(
            new SuitePlan.EtlSpec(
                BenchShape.valueOf(p[0].trim().toUpperCase(Locale.ROOT)),
                Long.parseLong(p[1].trim())));
      }
      plan = plan.withEtlCases(cases);
    }
    if (repeats != null) {
      plan = plan.withRepeats(repeats);
    }
    if (trainRows != null || epochs != null) {
      plan =
          plan.withTraining(
              trainRows != null ? trainRows : plan.trainRows(),
              epochs != null ? epochs : plan.epochs());
    }
    if (wideColumns != null) {
      plan = plan.withWideColumns(wideColumns);
    }
    return plan;
  }

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
