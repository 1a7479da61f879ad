package io.dlpipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.io.Json;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run: every stage the first time, none when nothing changed, exactly the stale ones otherwise; the
 * input is stale when its content changed, whatever its modification time says.
 */
class RunJobTest {
  @TempDir Path tmp;

  private static final String[] FAST = {
    "train.epochs=2",
    "train.model.hidden-layers=[16]",
    "train.approach=direct",
    "evaluate.importance.sample-rows=200",
    "evaluate.importance.repeats=1"
  };

  private List<String> statuses(DlpipeConfig cfg, boolean force) throws Exception {
    new RunJob(TestSpark.get(), cfg).run(force);
    JsonNode summary = Json.MAPPER.readTree(Files.readString(tmp.resolve("ws/run-summary.json")));
    assertEquals("succeeded", summary.get("status").asText());
    assertEquals(0, summary.get("exit_code").asInt());
    List<String> out = new ArrayList<>();
    for (JsonNode s : summary.get("stages")) {
      out.add(s.get("stage").asText() + ":" + s.get("status").asText());
    }
    return out;
  }

  @Test
  void skipsWhatIsUpToDateAndRedoesWhatIsStale() throws Exception {
    Path raw = tmp.resolve("raw.csv");
    Files.copy(TestData.credit(), raw);
    DlpipeConfig cfg = TestData.creditConfig(raw, tmp.resolve("ws"), FAST);
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), statuses(cfg, false));
    JsonNode metrics =
        Json.MAPPER.readTree(Files.readString(tmp.resolve("ws/run-summary.json"))).get("metrics");
    assertTrue(
        metrics.has("model.auc") && metrics.has("baseline.auc") && metrics.has("verdict"),
        metrics.toString());

    assertEquals(List.of("etl:skipped", "train:skipped", "evaluate:skipped"), statuses(cfg, false));

    DlpipeConfig evaluateChanged =
        TestData.creditConfig(
            raw, tmp.resolve("ws"), concat(FAST, "evaluate.importance.repeats=2"));
    assertEquals(
        List.of("etl:skipped", "train:skipped", "evaluate:ran"), statuses(evaluateChanged, false));

    DlpipeConfig trainChanged =
        TestData.creditConfig(
            raw,
            tmp.resolve("ws"),
            concat(FAST, "evaluate.importance.repeats=2", "train.epochs=3"));
    assertEquals(
        List.of("etl:skipped", "train:ran", "evaluate:ran"), statuses(trainChanged, false));

    // Content decides, not the clock: a touch changes no data, so nothing reruns ...
    assertTrue(
        raw.toFile().setLastModified(System.currentTimeMillis() + 60_000), "touch the raw input");
    assertEquals(
        List.of("etl:skipped", "train:skipped", "evaluate:skipped"), statuses(trainChanged, false));
    // ... while other data with an older modification time, as cp -p and rsync -a leave it, reruns
    // everything.
    List<String> lines = Files.readAllLines(TestData.credit());
    Files.write(raw, lines.subList(0, lines.size() - 100));
    Files.setLastModifiedTime(
        raw,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(tmp.resolve("ws/prepared/_SUCCESS")).toMillis()
                - 86_400_000L));
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), statuses(trainChanged, false));
    JsonNode changed =
        Json.MAPPER
            .readTree(Files.readString(tmp.resolve("ws/run-summary.json")))
            .get("stages")
            .get(0);
    assertEquals(
        "its input changed since it last ran (the lengths or checksums of its files differ)",
        changed.get("reason").asText());
    assertTrue(
        Files.readString(tmp.resolve("ws/prepared/etl-summary.json"))
            .contains("\"rows_read\" : 4354"));
    // The same bytes again under a new inode and time (a second cp -p of the same file): read,
    // found equal, skipped.
    Path copy = tmp.resolve("copy.csv");
    Files.copy(raw, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    Files.move(copy, raw, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(
        List.of("etl:skipped", "train:skipped", "evaluate:skipped"), statuses(trainChanged, false));

    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), statuses(trainChanged, true));

    // A workspace prepared before issue 21 has no split_rule in transform.json: its splits hashed
    // the target too. The next run prepares it again, and says why, rather than mixing two splits.
    Path transform = tmp.resolve("ws/prepared/transform.json");
    com.fasterxml.jackson.databind.node.ObjectNode old =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Json.MAPPER.readTree(Files.readString(transform));
    assertEquals("features-v2", old.remove("split_rule").path("rule").asText());
    Files.writeString(transform, Json.write(old));
    assertEquals(List.of("etl:ran", "train:ran", "evaluate:ran"), statuses(trainChanged, false));
    JsonNode etl =
        Json.MAPPER
            .readTree(Files.readString(tmp.resolve("ws/run-summary.json")))
            .get("stages")
            .get(0);
    assertEquals(
        trainChanged.output().preparedDir()
            + " was split by the old rule, a hash of the whole row with its target, which makes the test split depend on the label;"
            + " re-preparing with split rule features-v2",
        etl.get("reason").asText());
    assertEquals(
        "features-v2",
        Json.MAPPER.readTree(Files.readString(transform)).path("split_rule").path("rule").asText());
    assertEquals(
        List.of("etl:skipped", "train:skipped", "evaluate:skipped"), statuses(trainChanged, false));
  }

  private static String[] concat(String[] a, String... b) {
    List<String> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(new String[0]);
  }
}
