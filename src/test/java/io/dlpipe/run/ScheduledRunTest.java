package io.dlpipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.io.Json;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.workspace.OutputMarker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --date}: three days of the bundled credit data, one raw folder per day and one config
 * for all of them. Each day lands in its own partition; the schedule decides the trainings.
 */
class ScheduledRunTest {
  @TempDir Path tmp;

  private static final String[] FAST = {
    "train.epochs=2",
    "train.model.hidden-layers=[16]",
    "train.approach=direct",
    "evaluate.importance.enabled=false",
    "evaluate.baselines=[linear]"
  };

  /** Fri, Sat, Sun: a weekly schedule on mondays retrains on none of them. */
  private static final String[] DAYS = {"2026-11-27", "2026-11-28", "2026-11-29"};

  private static final int INCOME = 9;

  /**
   * The credit data's lines from {@code from} (1-based, after the header) to {@code to}, as the
   * day's raw file; Income times {@code incomeFactor}.
   */
  private void writeDay(String date, int from, int to, double incomeFactor) throws IOException {
    writeDay(date, from, to, 1, 0, incomeFactor);
  }

  /**
   * As {@link #writeDay(String, int, int, double)}, only the lines i with i % every == remainder.
   */
  private void writeDay(
      String date, int from, int to, int every, int remainder, double incomeFactor)
      throws IOException {
    List<String> lines = Files.readAllLines(TestData.credit());
    List<String> out = new ArrayList<>();
    out.add(lines.get(0));
    for (int i = from; i <= to; i++) {
      if (i % every != remainder) {
        continue;
      }
      String[] cells = lines.get(i).split(",", -1);
      if (incomeFactor != 1.0 && cells[INCOME].matches("\\d+(\\.\\d+)?")) {
        cells[INCOME] =
            String.valueOf(Math.round(Double.parseDouble(cells[INCOME]) * incomeFactor));
      }
      out.add(String.join(",", cells));
    }
    Path dir = tmp.resolve("raw/dt=" + date);
    Files.createDirectories(dir);
    Files.write(dir.resolve("part.csv"), out);
  }

  private DlpipeConfig config(String date, String... extra) {
    return TestConfig.credit(tmp.resolve("raw") + "/dt={date}", tmp.resolve("ws"))
        .set(FAST)
        .set(extra)
        .date(date)
        .load();
  }

  private JsonNode daySummary(String date) throws IOException {
    return Json.MAPPER.readTree(
        Files.readString(tmp.resolve("ws/runs/dt=" + date + "/run-summary.json")));
  }

  private static List<String> stages(JsonNode summary) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : summary.get("stages")) {
      out.add(s.get("stage").asText() + ":" + s.get("status").asText());
    }
    return out;
  }

  private Map<String, Long> rowsPerPartition() {
    Map<String, Long> out = new TreeMap<>();
    for (Row r :
        TestSpark.get()
            .read()
            .parquet(tmp.resolve("ws/predictions").toString())
            .groupBy("dt")
            .count()
            .collectAsList()) {
      out.put(String.valueOf(r.get(0)), r.getLong(1));
    }
    return out;
  }

  @Test
  void weeklyScheduleScoresEveryDayIntoItsPartitionAndTrainsOnce() throws Exception {
    writeDay(DAYS[0], 1, 1500, 1.0);
    writeDay(DAYS[1], 1501, 3000, 1.0);
    writeDay(DAYS[2], 3001, 4454, 1.0);
    for (String day : DAYS) {
      new RunJob(TestSpark.get(), config(day, "schedule.retrain=weekly", "schedule.weekday=monday"))
          .run(false);
    }
    JsonNode first = daySummary(DAYS[0]);
    assertEquals("succeeded", first.get("status").asText());
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), stages(first));
    assertTrue(
        first.get("retrain").get("reason").asText().startsWith("no model yet"), first.toString());
    JsonNode second = daySummary(DAYS[1]);
    assertEquals(List.of(), stages(second));
    assertEquals(
        "schedule.retrain = weekly: 2026-11-28 is a saturday, not a monday",
        second.get("retrain").get("reason").asText());
    assertEquals(List.of(), stages(daySummary(DAYS[2])));
    // The later days were measured against the first day's training data.
    assertTrue(Files.isRegularFile(tmp.resolve("ws/drift/dt=2026-11-28/drift.json")));
    assertTrue(
        Files.readString(tmp.resolve("ws/drift/dt=2026-11-29/drift.html"))
            .contains("<section id=\"drift\">"));
    assertFalse(
        Files.exists(tmp.resolve("ws/drift/dt=2026-11-27")),
        "no model to measure the first day against");

    // predictions/ reads as one table partitioned by dt, every row of every day scored by the one
    // model.
    assertEquals(
        Map.of("2026-11-27", 1500L, "2026-11-28", 1500L, "2026-11-29", 1454L), rowsPerPartition());
    assertEquals(
        1,
        TestSpark.get()
            .read()
            .parquet(tmp.resolve("ws/predictions").toString())
            .select("model_id")
            .distinct()
            .count());
    for (String day : DAYS) {
      assertEquals(
          daySummary(day).get("predictions").get("rows_read").asLong(),
          daySummary(day).get("predictions").get("rows_scored").asLong());
    }

    // Rerunning a day replaces that day's partition only.
    String untouchedRun =
        OutputMarker.read(
                new io.dlpipe.io.HadoopFiles(TestSpark.get().sparkContext().hadoopConfiguration()),
                tmp.resolve("ws/predictions/dt=2026-11-27").toString())
            .createdAt();
    writeDay(DAYS[1], 1501, 1600, 1.0);
    new RunJob(
            TestSpark.get(), config(DAYS[1], "schedule.retrain=weekly", "schedule.weekday=monday"))
        .run(false);
    assertEquals(
        Map.of("2026-11-27", 1500L, "2026-11-28", 100L, "2026-11-29", 1454L), rowsPerPartition());
    assertEquals(
        untouchedRun,
        OutputMarker.read(
                new io.dlpipe.io.HadoopFiles(TestSpark.get().sparkContext().hadoopConfiguration()),
                tmp.resolve("ws/predictions/dt=2026-11-27").toString())
            .createdAt());
    assertEquals(List.of(), stages(daySummary(DAYS[1])));
    try (var entries = Files.list(tmp.resolve("ws/predictions"))) {
      assertEquals(
          List.of("dt=2026-11-27", "dt=2026-11-28", "dt=2026-11-29"),
          entries.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging or old folder is left beside the partitions");
    }
  }

  @Test
  void aDayFolderDlpipeDidNotWriteIsRefusedBeforeAnyWork() throws Exception {
    writeDay("2026-11-30", 1, 300, 1.0);
    Path mine = tmp.resolve("ws/predictions/dt=2026-11-30");
    Files.createDirectories(mine);
    Files.writeString(mine.resolve("notes.txt"), "mine");
    // A dlpipe workspace (marked) with a day folder it did not write: an unmarked workspace would
    // be refused before its folders are looked at.
    io.dlpipe.workspace.OutputMarker.of(io.dlpipe.workspace.OutputKind.WORKSPACE, "run")
        .writeTo(
            new io.dlpipe.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()),
            tmp.resolve("ws").toString());
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--date",
                "2026-11-30",
                "--set",
                "input.path=" + tmp.resolve("raw") + "/dt={date}",
                "--set",
                "input.format=csv",
                "--set",
                "target.column=Status",
                "--set",
                "target.task=classification",
                "--set",
                "output.dir=" + tmp.resolve("ws")));
    for (String f : FAST) {
      args.add("--set");
      args.add(f);
    }
    io.dlpipe.testing.CliRun.Outcome out =
        io.dlpipe.testing.CliRun.run(args.toArray(new String[0]));
    assertEquals(2, out.code());
    assertEquals(
        "dlpipe: Refusing to write the predictions of 2026-11-30 "
            + mine
            + ": the folder exists and was not written by dlpipe (no _dlpipe.json); "
            + "dlpipe only replaces folders it wrote itself (they carry a _dlpipe.json marker). Move it away or choose another path\n",
        out.err());
    assertEquals("mine", Files.readString(mine.resolve("notes.txt")));
    assertFalse(Files.exists(tmp.resolve("ws/model")), "nothing was trained");
  }

  @Test
  void onDriftRetrainsWhenAColumnShiftsAndNotOtherwise() throws Exception {
    // Every third line for each day: the file's order (its later lines differ in Expenses) must not
    // look like drift.
    writeDay(DAYS[0], 1, 4454, 3, 1, 1.0);
    writeDay(DAYS[1], 1, 4454, 3, 2, 1.0);
    writeDay(DAYS[2], 1, 4454, 3, 0, 5.0);
    for (String day : DAYS) {
      // What retrains is under test here, not whether the retrained model is better
      // (PromotionGateTest): any finite one is promoted.
      new RunJob(
              TestSpark.get(),
              config(day, "schedule.retrain=on-drift", "schedule.promotion.max-regression=1"))
          .run(false);
    }
    JsonNode steady = daySummary(DAYS[1]);
    assertEquals(List.of(), stages(steady));
    assertFalse(steady.get("drift").get("drifted").asBoolean(), steady.toString());
    assertTrue(
        steady
            .get("retrain")
            .get("reason")
            .asText()
            .startsWith("schedule.retrain = on-drift and no drift: largest psi "),
        steady.toString());
    JsonNode steadyDrift =
        Json.MAPPER.readTree(Files.readString(tmp.resolve("ws/drift/dt=2026-11-28/drift.json")));
    assertEquals(1485, steadyDrift.get("rows").asLong());
    assertEquals(List.of(), steadyDrift.get("crossed").findValuesAsText("column"));

    JsonNode shifted = daySummary(DAYS[2]);
    JsonNode shiftedDrift =
        Json.MAPPER.readTree(Files.readString(tmp.resolve("ws/drift/dt=2026-11-29/drift.json")));
    assertTrue(shiftedDrift.get("drifted").asBoolean());
    assertEquals(List.of("Income"), shiftedDrift.get("crossed").findValuesAsText("column"));
    assertEquals("psi", shiftedDrift.get("crossed").get(0).get("measure").asText());
    double psi = shiftedDrift.get("crossed").get(0).get("value").asDouble();
    assertTrue(psi > 0.2, "Income psi " + psi);
    assertEquals(
        String.format(
            java.util.Locale.ROOT,
            "schedule.retrain = on-drift and the day drifted: Income psi %.4f > 0.2",
            psi),
        shifted.get("retrain").get("reason").asText());
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), stages(shifted));
    // The new model's report says why it was trained.
    String report = Files.readString(tmp.resolve("ws/evaluation/report.html"));
    assertTrue(
        report.contains("<section id=\"drift\">") && report.contains("Income psi"),
        "drift section in the report");
    assertEquals(
        Map.of("2026-11-27", 1485L, "2026-11-28", 1485L, "2026-11-29", 1484L), rowsPerPartition());
    assertEquals(
        2,
        TestSpark.get()
            .read()
            .parquet(tmp.resolve("ws/predictions").toString())
            .select("model_id")
            .distinct()
            .count(),
        "the shifted day is scored by the model trained on it");
  }
}
