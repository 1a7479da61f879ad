package io.dlpipe.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.Splitter;
import io.dlpipe.head.MainMetric;
import io.dlpipe.io.Json;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promotion gate, end to end on the bundled credit data with a daily schedule: the first day
 * trains; a day whose training labels are shuffled retrains a worse model, which is kept back (the
 * model, byte for byte, and the day's predictions stay the first model's); a day of good data
 * retrains a better one, which is promoted. Plus the decision rule on numbers.
 */
class PromotionGateTest {
  @TempDir Path tmp;

  /** Small, but enough minibatch steps that a model on clean days ranks well (an AUC near 0.8). */
  private static final String[] FAST = {
    "train.epochs=5",
    "train.model.hidden-layers=[32]",
    "train.batch-size-per-worker=32",
    "train.approach=direct",
    "evaluate.importance.enabled=false",
    "evaluate.baselines=[linear]"
  };

  private static final String[] DAYS = {"2026-11-23", "2026-11-24", "2026-11-25"};

  private DlpipeConfig config(String date, String... extra) {
    return TestConfig.credit(tmp.resolve("raw") + "/dt={date}", tmp.resolve("ws"))
        .set("input.columns.Id=ignore", "etl.split.id-column=Id", "schedule.retrain=daily")
        .set(FAST)
        .set(extra)
        .date(date)
        .load();
  }

  /**
   * The credit lines {@code from} to {@code to} (1-based after the header) as the day's raw file,
   * with an {@code Id} column (the line number) that decides the split; when {@code noisy}, the
   * labels of every row outside the validation split are shuffled among themselves (seeded), so the
   * day's training labels say nothing while its validation labels stay true.
   *
   * @return the ids of the day's validation rows
   */
  private Set<String> writeDay(String date, int from, int to, boolean noisy) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      numbers.add(i);
    }
    return writeDay(date, numbers, noisy);
  }

  /** The ids among {@code ids} that the split sends to {@code split}. */
  private Set<String> inSplit(String date, List<String> ids, String split) {
    return TestSpark.get()
        .createDataset(ids, Encoders.STRING())
        .toDF("Id")
        .transform(df -> Splitter.split(df, config(date).etl().split()))
        .where(functions.col(Columns.SPLIT).equalTo(split))
        .select("Id")
        .as(Encoders.STRING())
        .collectAsList()
        .stream()
        .collect(Collectors.toSet());
  }

  /** As {@link #writeDay(String, int, int, boolean)}, with the given line numbers. */
  private Set<String> writeDay(String date, List<Integer> numbers, boolean noisy)
      throws IOException {
    List<String> lines = Files.readAllLines(TestData.credit());
    Set<String> validation =
        inSplit(date, numbers.stream().map(String::valueOf).toList(), Columns.VALIDATION);
    List<String> shuffled = new ArrayList<>();
    for (int i : numbers) {
      if (!validation.contains(String.valueOf(i))) {
        shuffled.add(lines.get(i).substring(0, lines.get(i).indexOf(',')));
      }
    }
    Collections.shuffle(shuffled, new Random(7));
    List<String> out = new ArrayList<>();
    out.add("\"Id\"," + lines.get(0));
    int next = 0;
    for (int i : numbers) {
      String line = lines.get(i);
      if (noisy && !validation.contains(String.valueOf(i))) {
        line = shuffled.get(next++) + line.substring(line.indexOf(','));
      }
      out.add(i + "," + line);
    }
    Path dir = tmp.resolve("raw/dt=" + date);
    Files.createDirectories(dir);
    Files.write(dir.resolve("part.csv"), out);
    return validation;
  }

  private JsonNode daySummary(String date) throws IOException {
    return Json.MAPPER.readTree(
        Files.readString(tmp.resolve("ws/runs/dt=" + date + "/run-summary.json")));
  }

  private Set<String> modelIds(String date) {
    return TestSpark.get()
        .read()
        .parquet(tmp.resolve("ws/predictions/dt=" + date).toString())
        .select("model_id")
        .distinct()
        .as(Encoders.STRING())
        .collectAsList()
        .stream()
        .collect(Collectors.toSet());
  }

  private String modelId() throws IOException {
    return Json.MAPPER
        .readTree(Files.readString(tmp.resolve("ws/model/model.json")))
        .get("model_id")
        .asText();
  }

  @Test
  void aWorseRetrainIsKeptBackAndABetterOneIsPromoted() throws Exception {
    writeDay(DAYS[0], 1, 2000, false);
    Set<String> noisyValidation = writeDay(DAYS[1], 2001, 4000, true);
    writeDay(DAYS[2], 1, 4454, false);

    new RunJob(TestSpark.get(), config(DAYS[0])).run(false);
    JsonNode first = daySummary(DAYS[0]);
    assertTrue(first.get("promotion").get("promoted").asBoolean(), first.toString());
    String firstId = modelId();
    byte[] modelJson = Files.readAllBytes(tmp.resolve("ws/model/model.json"));
    byte[] modelZip = Files.readAllBytes(tmp.resolve("ws/model/model.zip"));

    List<String> log;
    try (LogLines lines = new LogLines()) {
      new RunJob(TestSpark.get(), config(DAYS[1])).run(false);
      log = lines.lines();
    }
    JsonNode noisy = daySummary(DAYS[1]);
    assertEquals("succeeded", noisy.get("status").asText());
    assertEquals("schedule.retrain = daily", noisy.get("retrain").get("reason").asText());
    JsonNode kept = noisy.get("promotion");
    assertFalse(kept.get("promoted").asBoolean(), kept.toString());
    assertEquals("auc", kept.get("metric").asText());
    assertEquals(0.01, kept.get("max_regression").asDouble());
    assertEquals(
        noisyValidation.size(),
        kept.get("rows").asLong(),
        "every validation row of the day, scored by both models");
    double candidate = kept.get("candidate").asDouble();
    double current = kept.get("current").asDouble();
    assertTrue(candidate < current - 0.01, kept.toString());
    assertEquals(
        String.format(
            java.util.Locale.ROOT,
            "the candidate is worse: validation auc %.4f < %.4f - 0.0100: the current model stays "
                + "(candidate validation auc %.4f, current %.4f on the same %d rows, schedule.promotion.max-regression 0.0100)",
            candidate,
            current,
            candidate,
            current,
            noisyValidation.size()),
        kept.get("reason").asText());
    // The model is the first day's, byte for byte, and it scored the day.
    assertArrayEquals(modelJson, Files.readAllBytes(tmp.resolve("ws/model/model.json")));
    assertArrayEquals(modelZip, Files.readAllBytes(tmp.resolve("ws/model/model.zip")));
    assertEquals(Set.of(firstId), modelIds(DAYS[1]));
    assertEquals(firstId, noisy.get("predictions").get("model_id").asText());
    assertEquals(
        1,
        log.stream()
            .filter(
                l ->
                    l.startsWith(
                            "run "
                                + DAYS[1]
                                + ": kept the current model "
                                + firstId
                                + ", not the retrained one kept in ")
                        && l.endsWith(kept.get("reason").asText()))
            .count(),
        String.join("\n", log));
    // The candidate stays for inspection, without the data-sized folders.
    Path candidateDir = tmp.resolve("ws/model-candidates/dt=" + DAYS[1]);
    assertEquals(candidateDir.toString(), noisy.get("candidate").get("path").asText());
    JsonNode promotionJson =
        Json.MAPPER.readTree(Files.readString(candidateDir.resolve("promotion.json")));
    assertEquals(kept, promotionJson);
    assertEquals(
        noisy.get("candidate").get("model_id").asText(),
        Json.MAPPER
            .readTree(Files.readString(candidateDir.resolve("model/model.json")))
            .get("model_id")
            .asText());
    assertTrue(Files.isRegularFile(candidateDir.resolve("evaluation/report.html")));
    assertTrue(Files.isRegularFile(candidateDir.resolve("prepared/transform.json")));
    assertFalse(Files.exists(candidateDir.resolve("prepared/train")));
    assertFalse(Files.exists(candidateDir.resolve("prepared/validation")));
    assertFalse(Files.exists(candidateDir.resolve("checkpoints")));

    new RunJob(TestSpark.get(), config(DAYS[2])).run(false);
    JsonNode good = daySummary(DAYS[2]);
    JsonNode promoted = good.get("promotion");
    assertTrue(promoted.get("promoted").asBoolean(), promoted.toString());
    assertTrue(
        promoted.get("reason").asText().startsWith("the candidate is not worse: validation auc "),
        promoted.toString());
    assertTrue(
        promoted.get("candidate").asDouble() >= promoted.get("current").asDouble() - 0.01,
        promoted.toString());
    String newId = modelId();
    assertNotEquals(firstId, newId);
    assertEquals(Set.of(newId), modelIds(DAYS[2]));
    assertEquals(Set.of(firstId), modelIds(DAYS[1]), "an earlier day keeps its scores");
    assertEquals(
        newId,
        Json.MAPPER
            .readTree(Files.readString(tmp.resolve("ws/evaluation/metrics.json")))
            .get("model_id")
            .asText());
    assertEquals(
        4454,
        Json.MAPPER
            .readTree(Files.readString(tmp.resolve("ws/prepared/etl-summary.json")))
            .get("rows_read")
            .asLong());
    assertFalse(
        Files.exists(tmp.resolve("ws/model-candidates/dt=" + DAYS[2])),
        "a promoted candidate's folders moved into the workspace");
    assertTrue(
        Files.exists(candidateDir), "the kept-back candidate of the noisy day is still there");
    try (var entries = Files.list(tmp.resolve("ws"))) {
      assertEquals(
          List.of(
              "checkpoints",
              "drift",
              "evaluation",
              "model",
              "model-candidates",
              "predictions",
              "predictions-quarantine",
              "prepared",
              "run-state.json",
              "run-summary.json",
              "runs"),
          entries
              .map(p -> p.getFileName().toString())
              .filter(
                  n -> !n.equals("_dlpipe.lock") && !n.equals("_dlpipe.json") && !n.startsWith("."))
              .sorted()
              .toList(),
          "no staging or old folder is left");
    }
    // The promoted stages are up to date for an undated run of the same input (beside them, the
    // input's content fingerprint and the cache of its local files' checksums).
    JsonNode state = Json.MAPPER.readTree(Files.readString(tmp.resolve("ws/run-state.json")));
    assertEquals(
        new HashSet<>(
            List.of("etl", "train", "evaluate", "etl.input", "etl.input.local-checksums")),
        iterable(state.fieldNames()));

    // A day of one class (target.classes declared, a daily schedule): exit 3 in one line, the model
    // stays.
    String oneClass = "2026-11-26";
    List<String> credit = Files.readAllLines(TestData.credit());
    List<Integer> goodOnly = new ArrayList<>();
    for (int i = 1; i <= 1500; i++) {
      if (credit.get(i).startsWith("\"good\"")) {
        goodOnly.add(i);
      }
    }
    writeDay(oneClass, goodOnly, false);
    long trainRows =
        inSplit(oneClass, goodOnly.stream().map(String::valueOf).toList(), Columns.TRAIN).size();
    byte[] promotedJson = Files.readAllBytes(tmp.resolve("ws/model/model.json"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--date",
                oneClass,
                "--set",
                "input.path=" + tmp.resolve("raw") + "/dt={date}",
                "--set",
                "input.format=csv",
                "--set",
                "target.column=Status",
                "--set",
                "target.task=classification",
                "--set",
                "target.classes=[good, bad]",
                "--set",
                "input.columns.Id=ignore",
                "--set",
                "etl.split.id-column=Id",
                "--set",
                "output.dir=" + tmp.resolve("ws"),
                "--set",
                "schedule.retrain=daily"));
    for (String f : FAST) {
      args.add("--set");
      args.add(f);
    }
    io.dlpipe.testing.CliRun.Outcome out =
        io.dlpipe.testing.CliRun.run(args.toArray(new String[0]));
    assertEquals(3, out.code(), out.err());
    assertEquals(
        "dlpipe: Target column 'Status' holds one class on the train split, 'good' ("
            + trainRows
            + " rows): a classifier needs at least 2; "
            + "check that the input holds every class (1 other(s) declared or seen: [bad])\n",
        out.err());
    assertArrayEquals(promotedJson, Files.readAllBytes(tmp.resolve("ws/model/model.json")));
    assertFalse(
        Files.exists(tmp.resolve("ws/predictions/dt=" + oneClass)),
        "a day that failed is not scored");
    assertEquals("failed", daySummary(oneClass).get("status").asText());
  }

  private static Set<String> iterable(java.util.Iterator<String> it) {
    Set<String> out = new HashSet<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void theDecisionNeedsFiniteMetricsAndAtMostTheMarginOfRegression() {
    Promotion tie = PromotionGate.decide(MainMetric.AUC, 0.79, 0.80, 0.78, 0.01, 300, null);
    assertTrue(tie.promoted());
    assertEquals(
        "the candidate is not worse: validation auc 0.7900 >= 0.8000 - 0.0100: promoted (candidate validation auc 0.7900, current 0.8000 on the "
            + "same 300 rows, schedule.promotion.max-regression 0.0100)",
        tie.reason());
    assertFalse(
        PromotionGate.decide(MainMetric.AUC, 0.7899, 0.80, 0.78, 0.01, 300, null).promoted());
    assertFalse(PromotionGate.decide(MainMetric.AUC, 0.79, 0.80, 0.78, 0.0, 300, null).promoted());
    Promotion nan =
        PromotionGate.decide(MainMetric.AUC, Double.NaN, 0.80, Double.NaN, 0.01, 300, null);
    assertFalse(nan.promoted());
    assertEquals(null, nan.candidate());
    assertEquals(
        "the candidate's validation auc is NaN, not a finite number: the current model stays (candidate validation auc NaN, current 0.8000 on the "
            + "same 300 rows, schedule.promotion.max-regression 0.0100)",
        nan.reason());
    Promotion testNaN = PromotionGate.decide(MainMetric.R2, 0.9, 0.5, Double.NaN, 0.01, 300, null);
    assertFalse(testNaN.promoted());
    assertTrue(
        testNaN
            .reason()
            .startsWith(
                "the candidate's test r2 is NaN, not a finite number: the current model stays"),
        testNaN.reason());
    Promotion currentNaN =
        PromotionGate.decide(MainMetric.ACCURACY, 0.6, Double.NaN, 0.6, 0.01, 300, null);
    assertTrue(currentNaN.promoted());
    assertEquals(
        "the current model's validation accuracy is NaN, and the candidate's is finite: promoted (candidate validation accuracy 0.6000, current NaN "
            + "on the same 300 rows, schedule.promotion.max-regression 0.0100)",
        currentNaN.reason());
  }

  /** Captures the log's messages while open. */
  private static final class LogLines extends AbstractAppender implements AutoCloseable {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    LogLines() {
      super("promotion-gate-test", null, null, true, Property.EMPTY_ARRAY);
      start();
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      ctx.getConfiguration().getRootLogger().addAppender(this, null, null);
      ctx.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
      lines.add(event.getMessage().getFormattedMessage());
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void close() {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      ctx.getConfiguration().getRootLogger().removeAppender(getName());
      ctx.updateLoggers();
      stop();
    }
  }
}
