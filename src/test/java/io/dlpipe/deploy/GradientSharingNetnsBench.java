package io.dlpipe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dlpipe.io.Json;
import io.dlpipe.testing.NetnsSparkCluster;
import io.dlpipe.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Gradient sharing against parameter averaging at several widths, each worker an executor in a
 * network namespace of its own ({@link NetnsSparkCluster}, one 1-core Worker per namespace), on
 * seeded synthetic Ames with every training setting at its default: validation R² per epoch and the
 * epochs to 99% of one worker's best. One worker (parameter averaging with 1 worker, a local run)
 * is the reference. Not part of any suite (its name ends in neither Test nor IT): run it alone, it
 * takes most of an hour and one Worker plus one executor JVM per width:
 *
 * <pre>
 * mvn -o -DskipTests package && mvn -o test -Dtest=GradientSharingNetnsBench -Ddlpipe.netns-bench=2,4,8
 * </pre>
 *
 * Results go to target/netns-bench/gradient-sharing.json, the {@code gradient_sharing} block of
 * bench/scale-out.json. {@code -Ddlpipe.netns-bench.gs-settings=train.batch-size-per-worker=32}
 * (settings separated by ';') adds gradient-sharing runs with those settings.
 */
class GradientSharingNetnsBench {
  private static final Path WORK = NamespacedRuns.ROOT.resolve("target/netns-bench");
  private static final int ROWS = 200_000;
  private static final int EPOCHS = 3;
  private static final Pattern MASTER_LINE =
      Pattern.compile(
          "Training master: ([a-z-]+), (\\d+) workers, (\\d+) rows per worker minibatch, averaging every (\\d+) minibatches");
  private static final Pattern LR = Pattern.compile("epoch 1/\\d+: .*\\| lr ([0-9.eE-]+),");

  @Test
  void gradientSharingAgainstParameterAveragingByWidth() throws Exception {
    String widths = System.getProperty("dlpipe.netns-bench");
    assumeTrue(widths != null, "a benchmark: run with -Ddlpipe.netns-bench=2,4,8");
    String why = NetnsSparkCluster.unavailable();
    assumeTrue(why == null, "no network namespaces here: " + why);
    Files.createDirectories(WORK);
    Path raw = WORK.resolve("raw");
    Path prepared = WORK.resolve("prepared");
    List<String> data =
        List.of(
            "--set", "input.path=" + raw,
            "--set", "input.format=csv",
            "--set", "target.column=Sale_Price",
            "--set", "target.task=regression",
            "--set", "train.epochs=" + EPOCHS,
            "--set", "evaluate.importance.sample-rows=200");
    if (!Files.exists(prepared.resolve("prepared/_SUCCESS"))) {
      check(
          NamespacedRuns.local(
              "2g",
              List.of(
                  "synth",
                  "--shape",
                  "ames",
                  "--rows",
                  Integer.toString(ROWS),
                  "--out",
                  raw.toString())));
      List<String> etl = new ArrayList<>(List.of("etl", "--set", "output.dir=" + prepared));
      etl.addAll(data);
      check(NamespacedRuns.local("2g", etl));
    }
    Path out = WORK.resolve("gradient-sharing.json");
    ObjectNode result =
        Files.exists(out)
            ? (ObjectNode) Json.MAPPER.readTree(out.toFile())
            : Json.MAPPER.createObjectNode();
    result.put("rows", ROWS);
    result.put("epochs", EPOCHS);
    result.put(
        "setup",
        "one 1-core Spark Worker per Linux network namespace (own address on a veth pair and bridge), one executor "
            + "per Worker (spark.executor.memory 640m, executor-offheap 512m), the driver on the bridge address; "
            + "every training setting at its default, train.workers = W, approach direct");
    ArrayNode runs = result.withArray("runs");
    if (!has(runs, "parameter-averaging", 1, List.of())) {
      Path ws = WORK.resolve("w1-parameter-averaging");
      NamespacedRuns.copy(prepared, ws);
      List<String> args =
          new ArrayList<>(
              List.of("train", "--set", "output.dir=" + ws, "--set", "train.workers=1"));
      args.addAll(data);
      runs.add(run("parameter-averaging", 1, ws, check(NamespacedRuns.local("2g", args))));
      save(out, result);
    }
    String gsSettings = System.getProperty("dlpipe.netns-bench.gs-settings", "");
    List<String> extra = gsSettings.isEmpty() ? List.of() : List.of(gsSettings.split(";"));
    List<String> types =
        extra.isEmpty()
            ? List.of("gradient-sharing", "parameter-averaging")
            : List.of("gradient-sharing");
    for (int w : Arrays.stream(widths.split(",")).mapToInt(Integer::parseInt).toArray()) {
      if (types.stream().allMatch(t -> has(runs, t, w, extra))) {
        continue;
      }
      try (NetnsSparkCluster c =
          NetnsSparkCluster.start(w, 1, "1g", WORK.resolve("cluster-" + w))) {
        for (String type : types) {
          if (has(runs, type, w, extra)) {
            continue;
          }
          Path ws =
              WORK.resolve(
                  "w" + w + "-" + type + (extra.isEmpty() ? "" : "-" + Math.abs(extra.hashCode())));
          List<String> args = new ArrayList<>(data);
          args.addAll(
              List.of(
                  "--set", "train.workers=" + w,
                  "--set", "train.approach=direct",
                  "--set", "train.master.type=" + type,
                  "--set", "train.master.gradient-sharing-network-mask=" + c.networkMask(),
                  "--set", "spark.conf.\"spark.executor.memory\"=640m",
                  "--set", "spark.conf.\"spark.executor.cores\"=1",
                  "--set", "spark.executor-offheap=512m"));
          for (String e : extra) {
            args.add("--set");
            args.add(e);
          }
          ObjectNode r = run(type, w, ws, check(NamespacedRuns.train(c, prepared, ws, "2g", args)));
          if (!extra.isEmpty()) {
            r.putPOJO("settings", extra);
          }
          runs.add(r);
          result.put("finished", Instant.now().toString());
          save(out, result);
        }
      }
    }
  }

  private static boolean has(ArrayNode runs, String type, int workers, List<String> settings) {
    for (JsonNode r : runs) {
      List<String> s = new ArrayList<>();
      if (r.has("settings")) {
        r.get("settings").forEach(n -> s.add(n.asText()));
      }
      if (r.get("master").asText().equals(type)
          && r.get("workers").asInt() == workers
          && s.equals(settings)) {
        return true;
      }
    }
    return false;
  }

  private static Processes.Result check(Processes.Result r) {
    assertEquals(0, r.code(), r.output());
    return r;
  }

  /**
   * One run's record: resolved settings from its log, R² and seconds per epoch from its history.
   */
  private static ObjectNode run(String type, int workers, Path ws, Processes.Result r)
      throws Exception {
    Files.writeString(ws.resolve("train.log"), r.output());
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("master", type);
    o.put("workers", workers);
    Matcher m = MASTER_LINE.matcher(r.output());
    if (m.find()) {
      o.put("batch_size_per_worker", Integer.parseInt(m.group(3)));
      if (type.equals("parameter-averaging")) {
        o.put("averaging_frequency", Integer.parseInt(m.group(4)));
      }
    }
    Matcher lr = LR.matcher(r.output());
    if (lr.find()) {
      o.put("learning_rate", Double.parseDouble(lr.group(1)));
    }
    JsonNode model = Json.MAPPER.readTree(ws.resolve("model/model.json").toFile());
    long train = model.get("rows").get("train").asLong();
    o.put("train_rows", train);
    ArrayNode epochs = o.putArray("epochs");
    List<String> lines = Files.readAllLines(ws.resolve("model/training-history.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      ObjectNode e = epochs.addObject();
      int epoch = Integer.parseInt(f[header.indexOf("epoch")]);
      e.put("epoch", epoch);
      e.put("r2", Double.parseDouble(f[header.indexOf("val_r2")]));
      e.put("samples_seen", epoch * train);
      e.put("seconds", Double.parseDouble(f[header.indexOf("seconds")]));
    }
    o.put("wall_seconds", model.get("wall_seconds").asDouble());
    return o;
  }

  private static void save(Path out, ObjectNode result) throws Exception {
    Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }
}
