package io.dlpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scale-out suite's arithmetic: epochs to 99% of one worker's best, per group, and its charts.
 * No Spark.
 */
class ScaleOutBenchTest {
  private static ScaleOutBench.Run run(String averaging, int workers, double... metrics) {
    List<ScaleOutBench.Epoch> epochs = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < metrics.length; i++) {
      epochs.add(new ScaleOutBench.Epoch(i + 1, metrics[i], 1000L * (i + 1), 1.0, 2, 0.5, 0.3));
      best = Math.max(best, metrics[i]);
    }
    return new ScaleOutBench.Run(
        "ames",
        "default",
        averaging,
        "fixed",
        workers,
        1000,
        1000 / workers,
        512,
        64,
        0.5,
        1.0,
        32_001,
        "r2",
        epochs,
        best,
        null,
        null);
  }

  @Test
  void epochsTo99PercentOfTheOneWorkerBestAreCountedWithinEachGroup() {
    ScaleOutBench.Plan plan =
        new ScaleOutBench.Plan(
            List.of(BenchShape.AMES),
            List.of(1, 32),
            1000,
            3,
            List.of("default"),
            List.of("simple", "block-momentum"),
            List.of("fixed"),
            4096,
            List.of());
    // One worker's best is 0.8: 99% of it is 0.792, which it reaches in epoch 3 (0.79 falls short).
    ScaleOutBench.Results r =
        ScaleOutBench.summarize(
            plan,
            List.of(
                run("block-momentum", 1, 0.70, 0.79, 0.80),
                run("block-momentum", 32, 0.60, 0.791, 0.792),
                run("simple", 1, 0.50, 0.60, 0.60),
                run("simple", 32, 0.50, 0.55, 0.58)),
            List.of());
    ScaleOutBench.Run one = r.runs().get(0);
    assertEquals(3, one.epochsTo99());
    assertEquals(1.0, one.epochsRatio());
    ScaleOutBench.Run wide = r.runs().get(1);
    assertEquals(3, wide.epochsTo99(), "0.792 reaches 99% of 0.8 in epoch 3");
    assertEquals(1.0, wide.epochsRatio());
    // The simple group has its own one-worker reference (best 0.6, 99%: 0.594, reached in epoch 2).
    assertEquals(2, r.runs().get(2).epochsTo99());
    assertNull(r.runs().get(3).epochsTo99(), "0.58 never reaches 0.594");
    assertNull(r.runs().get(3).epochsRatio());
  }

  @Test
  void eachGroupGetsAChartWithOneLinePerWidth() {
    ScaleOutBench.Plan plan =
        new ScaleOutBench.Plan(
            List.of(BenchShape.AMES),
            List.of(1, 32),
            1000,
            2,
            List.of("default"),
            List.of("simple"),
            List.of("fixed"),
            4096,
            List.of());
    ScaleOutBench.Results r =
        ScaleOutBench.summarize(
            plan, List.of(run("simple", 1, 0.7, 0.8), run("simple", 32, 0.6, 0.75)), List.of());
    Map<String, String> charts = ScaleOutBench.svg(r);
    assertEquals(List.of("ames-default-simple-fixed"), List.copyOf(charts.keySet()));
    String svg = charts.get("ames-default-simple-fixed");
    assertEquals(2, svg.split("<polyline", -1).length - 1);
    assertTrue(svg.contains(">32 workers</text>"), svg);
    assertTrue(svg.contains(">1 worker</text>"), svg);
  }

  @Test
  void theCommittedResultsFileIsReadAndItsGradientSharingBlockSurvivesARewrite() throws Exception {
    // The file a later suite adds its runs to: it also holds GradientSharingNetnsBench's block.
    java.nio.file.Path committed = java.nio.file.Path.of("bench/scale-out.json");
    ScaleOutBench.Results old =
        ScaleOutBench.read(
            new io.dlpipe.io.HadoopFiles(new org.apache.hadoop.conf.Configuration()),
            committed.toAbsolutePath().toString());
    com.fasterxml.jackson.databind.JsonNode block =
        io.dlpipe.io.Json.MAPPER
            .readTree(java.nio.file.Files.readString(committed))
            .get("gradient_sharing");
    assertTrue(block != null && block.isObject(), "the committed file has the block");
    assertEquals(block, old.gradientSharing());
    ScaleOutBench.Plan plan =
        new ScaleOutBench.Plan(
            List.of(BenchShape.CREDIT),
            List.of(1),
            old.rows(),
            old.epochs(),
            List.of("default"),
            List.of("block-momentum"),
            List.of("fixed"),
            4096,
            old.settings());
    String rewritten =
        io.dlpipe.io.Json.write(
            ScaleOutBench.summarize(plan, old.runs(), old.roundCosts()).keeping(old));
    assertEquals(block, io.dlpipe.io.Json.MAPPER.readTree(rewritten).get("gradient_sharing"));
    assertEquals(
        old.runs().size(), io.dlpipe.io.Json.MAPPER.readTree(rewritten).get("runs").size());
    // A file without the block gets none, not a null.
    String fresh =
        io.dlpipe.io.Json.write(ScaleOutBench.summarize(plan, List.of(), List.of()).keeping(null));
    assertNull(io.dlpipe.io.Json.MAPPER.readTree(fresh).get("gradient_sharing"));
  }
}
