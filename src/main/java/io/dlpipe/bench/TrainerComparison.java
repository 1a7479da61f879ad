package io.dlpipe.bench;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.spark.SparkSessions;
import io.dlpipe.train.EpochRecord;
import io.dlpipe.train.TrainJob;
import io.dlpipe.train.TrainResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Trains the same prepared data with several trainer settings, and optionally the single-JVM
 * reference, alternating them round after round in one JVM and one Spark session, so that ratios
 * come from runs side by side on the same (shared, noisy) machine. Prints one JSON line per epoch.
 *
 * <pre>
 * TrainerComparison --conf FILE [--set k=v]... [--epochs E] [--repeats R] [--reference]
 *     [--variant NAME=key=value;key=value]...
 * </pre>
 *
 * Every variant trains with {@code --fresh} in {@code output.dir/model}. ND4J's thread cap is
 * process-wide: compare {@code train.threads-per-worker} settings in separate runs.
 */
public final class TrainerComparison {
  private TrainerComparison() {}

  public static void main(String[] args) {
    Path conf = null;
    List<String> sets = new ArrayList<>();
    Map<String, List<String>> variants = new LinkedHashMap<>();
    int epochs = 3;
    int repeats = 1;
    boolean reference = false;
    int referenceThreads = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = Path.of(args[++i]);
        case "--set" -> sets.add(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--reference" -> reference = true;
        case "--reference-threads" -> referenceThreads = Integer.parseInt(args[++i]);
        case "--variant" -> {
          String v = args[++i];
          int eq = v.indexOf('=');
          String name = eq < 0 ? v : v.substring(0, eq);
          List<String> vs =
              eq < 0 || eq == v.length() - 1 ? List.of() : List.of(v.substring(eq + 1).split(";"));
          variants.put(name, vs);
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (variants.isEmpty()) {
      variants.put("defaults", List.of());
    }
    DlpipeConfig base = ConfigLoader.load(conf, sets);
    SparkSession spark =
        SparkSessions.getOrCreate(SparkSessions.resolveMaster(null, base.spark()), base.spark());
    try {
      SingleJvmReference ref = reference ? SingleJvmReference.load(spark, base) : null;
      for (int r = 1; r <= repeats; r++) {
        if (ref != null) {
          for (SingleJvmReference.Epoch e : ref.fit(spark, epochs, referenceThreads)) {
            System.out.println(
                String.format(Locale.ROOT, "{\"repeat\":%d,\"variant\":\"single-jvm\",", r)
                    + e.json().substring(1));
          }
        }
        for (Map.Entry<String, List<String>> v : variants.entrySet()) {
          List<String> all = new ArrayList<>(sets);
          all.add("train.epochs=" + epochs);
          all.add("train.early-stopping.patience=0");
          all.addAll(v.getValue());
          DlpipeConfig cfg = ConfigLoader.load(conf, all);
          TrainResult result = new TrainJob(spark, cfg).run(true);
          for (EpochRecord e : result.history().history()) {
            System.out.println(
                String.format(
                    Locale.ROOT,
                    "{\"repeat\":%d,\"variant\":\"%s\",\"trainer\":\"spark\",\"epoch\":%d,\"fit_seconds\":%.3f,\"samples_per_s\":%.1f,\"val_%s\":%.5f,\"val_loss\":%.5f}",
                    r,
                    v.getKey(),
                    e.epoch(),
                    result.provenance().data().rows().get("train") / e.samplesPerS(),
                    e.samplesPerS(),
                    e.metricName(),
                    e.metric(),
                    e.valLoss()));
          }
        }
      }
    } finally {
      spark.stop();
    }
  }
}
