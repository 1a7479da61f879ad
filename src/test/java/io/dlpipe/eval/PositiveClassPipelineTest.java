package io.dlpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.io.Json;
import io.dlpipe.run.RunJob;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The positive class end to end on an imbalanced credit set (5% of one class), without declared
 * classes: the minority class is positive whatever its name, and the threshold, precision, recall
 * and F1 that model.json, metrics.json and the report give are its own.
 */
class PositiveClassPipelineTest {
  @TempDir Path tmp;

  private static final String[] FAST = {
    "train.epochs=5",
    "train.model.hidden-layers=[32]",
    "train.batch-size-per-worker=32",
    "train.approach=direct",
    "evaluate.importance.enabled=false",
    "evaluate.baselines=[linear]"
  };

  /** Every credit row of class {@code keep}, and the first {@code rare} rows of the other class. */
  private Path imbalanced(String keep, int rare) throws Exception {
    List<String> lines = Files.readAllLines(TestData.credit());
    List<String> out = new ArrayList<>();
    out.add(lines.get(0));
    int taken = 0;
    for (String line : lines.subList(1, lines.size())) {
      if (line.startsWith("\"" + keep + "\"")) {
        out.add(line);
      } else if (taken < rare) {
        out.add(line);
        taken++;
      }
    }
    Path file = tmp.resolve(keep + ".csv");
    Files.write(file, out);
    return file;
  }

  private void assertPositive(Path input, String positive, String negative) throws Exception {
    Path ws = tmp.resolve("ws-" + positive);
    new RunJob(
            TestSpark.get(),
            TestData.config(input.toString(), "csv", "Status", "classification", ws, FAST))
        .run(false);
    JsonNode head =
        Json.MAPPER.readTree(Files.readString(ws.resolve("model/model.json"))).get("head");
    assertEquals(positive, head.get("positive_class").asText());
    assertEquals(
        List.of(negative, positive),
        List.of(head.get("classes").get(0).asText(), head.get("classes").get(1).asText()));
    assertEquals("max-f1", head.get("threshold_rule").asText());
    JsonNode m = Json.MAPPER.readTree(Files.readString(ws.resolve("evaluation/metrics.json")));
    assertEquals(positive, m.get("positive_class").asText());
    // The unnamed precision, recall and F1 are the positive class's, exactly, and not the other's.
    assertEquals(m.get("model.f1." + positive).asDouble(), m.get("model.f1").asDouble());
    assertEquals(
        m.get("model.precision." + positive).asDouble(), m.get("model.precision").asDouble());
    assertEquals(m.get("model.recall." + positive).asDouble(), m.get("model.recall").asDouble());
    assertNotEquals(m.get("model.f1." + negative).asDouble(), m.get("model.f1").asDouble());
    // Tuned for the rare class: it is flagged for more than a token share of its rows.
    assertTrue(
        m.get("model.recall").asDouble() > 0.2,
        "recall of " + positive + ": " + m.get("model.recall") + ", f1 " + m.get("model.f1"));
    String report = Files.readString(ws.resolve("evaluation/report.html"));
    assertTrue(
        report.contains("Positive class: <b>" + positive + "</b>."),
        "the report names the positive class");
  }

  @Test
  void fivePercentBadMakesBadPositive() throws Exception {
    // By name, "good" sorts last and used to be positive.
    assertPositive(imbalanced("good", 160), "bad", "good");
  }

  @Test
  void fivePercentGoodMakesGoodPositive() throws Exception {
    assertPositive(imbalanced("bad", 66), "good", "bad");
  }
}
