package io.dlpipe.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.train.EpochRecord;
import io.dlpipe.train.TrainJob;
import io.dlpipe.train.TrainResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jobs/bench --suite scale-out}: one seeded dataset trained at several widths with
 * everything else at its defaults, to measure what width costs in quality per sample seen.
 *
 * <p>Under a local master all workers take turns on the cores, so the averaging is exactly what a
 * cluster of that width does; only the wall times differ (and they are contended on a shared
 * machine). Each run records, per epoch, the validation metric, the samples seen, the wall time,
 * the averaging rounds and the driver's block-momentum step time. Runs are grouped by (shape,
 * network, averaging, mode); within a group, each width's statistical efficiency is the epochs it
 * needs to reach 99% of the one-worker run's best metric. Mode {@code fixed} trains one dataset at
 * every width; {@code per-worker} holds the train rows per worker constant, so W workers see W
 * times the data of one.
 */
public final class ScaleOutBench {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutBench.class);

  private ScaleOutBench() {}

  /**
   * One epoch of one run.
   *
   * @param samplesSeen train rows fitted so far (epoch x train rows)
   * @param seconds the epoch's wall clock, fit and validation
   * @param rounds averaging rounds in the epoch
   * @param secondsPerRound fit wall clock per round (tasks, broadcast, collect and average)
   * @param stepMillisPerRound the driver's block-momentum step per round (0 for simple)
   */
  public record Epoch(
      int epoch,
      double metric,
      long samplesSeen,
      double seconds,
      long rounds,
      double secondsPerRound,
      double stepMillisPerRound) {}

  /** One training run at one width. */
  public record Run(
      String shape,
      String network,
      String averaging,
      String mode,
      int workers,
      long trainRows,
      long rowsPerWorker,
      int batchSizePerWorker,
      int averagingFrequency,
      double blockMomentum,
      double blockLearningRate,
      long parameters,
      String metric,
      List<Epoch> epochs,
      double best,
      Integer epochsTo99,
      Double epochsRatio) {}

  /**
   * The suite's file, bench/scale-out.json.
   *
   * @param roundCosts the driver's cost per averaging round ({@code --suite scale-out-rounds}),
   *     kept when the runs are rerun
   */
  public record Results(
      String finished,
      Machine machine,
      int epochs,
      long rows,
      List<String> settings,
      List<Run> runs,
      List<ScaleOutRounds.RoundCost> roundCosts,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          com.fasterxml.jackson.databind.JsonNode gradientSharing) {

    /**
     * These results with {@code old}'s gradient-sharing block, which this suite does not measure
     * ({@code GradientSharingNetnsBench} writes it into the same file) and must not drop when it
     * rewrites the file.
     */
    Results keeping(Results old) {
      return old == null
          ? this
          : new Results(
              finished, machine, epochs, rows, settings, runs, roundCosts, old.gradientSharing());
    }
  }

  /** What to run. */
  public record Plan(
      List<BenchShape> shapes,
      List<Integer> widths,
      long rows,
      int epochs,
      List<String> networks,
      List<String> averagings,
      List<String> modes,
      long rowsPerWorker,
      List<String> settings) {}

  /**
   * Runs the plan, writing {@code path} after every run so that a stopped suite keeps what it
   * measured.
   */
  public static Results run(
      SparkSession spark, String work, Plan plan, HadoopFiles files, String path) {
    Results old = read(files, path);
    List<ScaleOutRounds.RoundCost> costs =
        old == null || old.roundCosts() == null ? List.of() : old.roundCosts();
    List<Run> runs =
        new ArrayList<>(
            old != null
                    && old.epochs() == plan.epochs()
                    && old.rows() == plan.rows()
                    && old.settings().equals(plan.settings())
                ? old.runs()
                : List.of());
    for (BenchShape shape : plan.shapes()) {
      for (String mode : plan.modes()) {
        for (String network : plan.networks()) {
          for (String averaging : plan.averagings()) {
            for (int w : plan.widths()) {
              if (runs.stream()
                  .anyMatch(
                      r ->
                          r.shape().equals(shape.kebab())
                              && r.network().equals(network)
                              && r.averaging().equals(averaging)
                              && r.mode().equals(mode)
                              && r.workers() == w)) {
                continue;
              }
              long rows =
                  mode.equals("fixed")
                      ? plan.rows()
                      : Math.max(2_000, Math.round(plan.rowsPerWorker() * w / 0.8));
              BenchWorkspace ws = BenchWorkspace.under(work, shape, rows, 0, plan.settings());
              prepare(spark, ws);
              runs.add(train(spark, ws, shape, network, averaging, mode, w, plan.epochs()));
              files.writeText(path, Json.write(summarize(plan, runs, costs).keeping(old)));
            }
          }
        }
      }
    }
    Results r = summarize(plan, runs, costs).keeping(old);
    files.writeText(path, Json.write(r));
    return r;
  }

  /**
   * Writes round costs into the suite's file beside its runs, replacing earlier costs of the same
   * network, width and executor count.
   */
  public static Results writeRoundCosts(
      HadoopFiles files, String path, List<ScaleOutRounds.RoundCost> measured) {
    Results old = read(files, path);
    List<ScaleOutRounds.RoundCost> costs =
        new ArrayList<>(old == null || old.roundCosts() == null ? List.of() : old.roundCosts());
    costs.removeIf(
        c ->
            measured.stream()
                .anyMatch(
                    m ->
                        m.network().equals(c.network())
                            && m.workers() == c.workers()
                            && m.executors() == c.executors()));
    costs.addAll(measured);
    Results r =
        old == null
            ? new Results(
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                null,
                0,
                0,
                List.of(),
                List.of(),
                costs,
                null)
            : new Results(
                old.finished(),
                old.machine(),
                old.epochs(),
                old.rows(),
                old.settings(),
                old.runs(),
                costs,
                old.gradientSharing());
    files.writeText(path, Json.write(r));
    return r;
  }

  /** The suite's file as an earlier (perhaps interrupted) suite left it, or null. */
  static Results read(HadoopFiles files, String path) {
    if (!files.exists(path)) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(files.readText(path), new TypeReference<Results>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static void prepare(SparkSession spark, BenchWorkspace ws) {
    HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    ws.generate(spark, 4);
    if (!files.exists(ws.output() + "/prepared/_SUCCESS")) {
      new EtlJob(spark, ws.config()).run();
    }
  }

  static Run train(
      SparkSession spark,
      BenchWorkspace ws,
      BenchShape shape,
      String network,
      String averaging,
      String mode,
      int workers,
      int epochs) {
    List<String> sets =
        new ArrayList<>(
            List.of(
                "train.workers=" + workers,
                "train.epochs=" + epochs,
                "train.early-stopping.patience=0",
                "train.average-epochs=1",
                "evaluate.baseline=false"));
    // simple: the trainer as it was before width was taken into account (plain averaging, the
    // rate scaled for the per-worker minibatch only); block-momentum: today's defaults.
    sets.add("train.averaging.method=" + averaging);
    if (averaging.equals("simple")) {
      sets.add("train.averaging.scale-learning-rate=false");
    }
    if (network.equals("2x512")) {
      sets.add("train.model.hidden-layers=[512, 512]");
    }
    LOG.info(
        "bench scale-out: {} {} rows, {} network, {} averaging, {} workers, {} epochs",
        shape.kebab(),
        ws.rows(),
        network,
        averaging,
        workers,
        epochs);
    TrainJob job = new TrainJob(spark, ws.config(sets.toArray(String[]::new)));
    TrainResult result = job.run(true);
    TrainConfig.Master m = job.resolved().master();
    long trainRows = result.provenance().data().rows().get(Columns.TRAIN);
    List<Epoch> out = new ArrayList<>();
    List<long[]> rounds = job.rounds();
    double best = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < result.history().history().size(); i++) {
      EpochRecord e = result.history().history().get(i);
      long[] r = rounds.get(i);
      out.add(
          new Epoch(
              e.epoch(),
              e.metric(),
              trainRows * e.epoch(),
              e.seconds(),
              r[1],
              r[3] / 1e9 / Math.max(1, r[1]),
              r[2] / 1e6 / Math.max(1, r[1])));
      best = Math.max(best, e.metric());
    }
    return new Run(
        shape.kebab(),
        network,
        averaging,
        mode,
        workers,
        trainRows,
        trainRows / workers,
        m.batchSizePerWorker(),
        m.averagingFrequency(),
        m.averaging().blockMomentum(),
        m.averaging().blockLearningRate(),
        result.network().numParams(),
        result.history().history().get(0).metricName().key(),
        out,
        best,
        null,
        null);
  }

  /**
   * The runs with each width's epochs to 99% of its group's one-worker best, and that over one
   * worker's.
   */
  static Results summarize(Plan plan, List<Run> runs, List<ScaleOutRounds.RoundCost> roundCosts) {
    List<Run> done = new ArrayList<>();
    for (Run r : runs) {
      Run one =
          runs.stream()
              .filter(o -> o.workers() == 1 && group(o).equals(group(r)))
              .findFirst()
              .orElse(null);
      Integer to99 = null;
      Double ratio = null;
      if (one != null) {
        double target = 0.99 * one.best();
        to99 = firstReaching(r, target);
        Integer base = firstReaching(one, target);
        ratio = to99 == null || base == null ? null : (double) to99 / base;
      }
      done.add(
          new Run(
              r.shape(),
              r.network(),
              r.averaging(),
              r.mode(),
              r.workers(),
              r.trainRows(),
              r.rowsPerWorker(),
              r.batchSizePerWorker(),
              r.averagingFrequency(),
              r.blockMomentum(),
              r.blockLearningRate(),
              r.parameters(),
              r.metric(),
              r.epochs(),
              r.best(),
              to99,
              ratio));
    }
    return new Results(
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        Machine.current("local[2]"),
        plan.epochs(),
        plan.rows(),
        plan.settings(),
        done,
        roundCosts,
        null);
  }

  private static Integer firstReaching(Run r, double target) {
    return r.epochs().stream()
        .filter(e -> e.metric() >= target)
        .map(Epoch::epoch)
        .findFirst()
        .orElse(null);
  }

  static String group(Run r) {
    return r.shape() + "/" + r.network() + "/" + r.averaging() + "/" + r.mode();
  }

  /** The table printed after the suite: one line per run. */
  public static String render(Results results) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-40s %7s %9s %6s %5s %6s %7s %8s %8s %10s %6s %7s  %s%n",
                "group",
                "workers",
                "rows/wkr",
                "batch",
                "avg",
                "bm",
                "rounds",
                "s/round",
                "best",
                "to 99%",
                "ratio",
                "s/ep",
                "metric by epoch"));
    for (Run r : results.runs()) {
      StringBuilder curve = new StringBuilder();
      double seconds = 0;
      long rounds = 0;
      double perRound = 0;
      for (Epoch e : r.epochs()) {
        curve.append(String.format(Locale.ROOT, "%.4f ", e.metric()));
        seconds += e.seconds();
        rounds += e.rounds();
        perRound += e.secondsPerRound() * e.rounds();
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%-40s %7d %9d %6d %5d %6.3f %7d %8.2f %8.4f %10s %6s %7.1f  %s%n",
              group(r),
              r.workers(),
              r.rowsPerWorker(),
              r.batchSizePerWorker(),
              r.averagingFrequency(),
              r.averaging().equals("simple") ? 0.0 : r.blockMomentum(),
              rounds,
              perRound / Math.max(1, rounds),
              r.best(),
              r.epochsTo99() == null ? "-" : r.epochsTo99(),
              r.epochsRatio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.epochsRatio()),
              seconds / Math.max(1, r.epochs().size()),
              curve.toString().trim()));
    }
    return b.toString();
  }

  /**
   * An SVG chart per group: the validation metric against samples seen, one line per width, for
   * BENCHMARKS.md. Keyed by the group's file-name form.
   */
  public static Map<String, String> svg(Results results) {
    Map<String, List<Run>> groups = new LinkedHashMap<>();
    for (Run r : results.runs()) {
      groups.computeIfAbsent(group(r), g -> new ArrayList<>()).add(r);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Run>> g : groups.entrySet()) {
      out.put(g.getKey().replace('/', '-'), ScaleOutChart.draw(g.getKey(), g.getValue()));
    }
    return out;
  }
}
