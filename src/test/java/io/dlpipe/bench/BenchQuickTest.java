package io.dlpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.io.Json;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the quick suite at tiny sizes, end to end on the shared local session, and checks the
 * results.json it writes: every section and key present, every rate positive and finite, and every
 * ratio equal to the one recomputed from the raw timings beside it. No timing threshold: the
 * figures of a shared machine are the harness's business, not a test's.
 */
class BenchQuickTest {
  private static final double EPS = 1e-9;

  @TempDir Path dir;

  @Test
  void quickSuiteWritesConsistentResults() throws Exception {
    SuitePlan plan =
        new SuitePlan(
            List.of(
                new SuitePlan.EtlSpec(BenchShape.AMES, 3000),
                new SuitePlan.EtlSpec(BenchShape.CREDIT, 2000),
                new SuitePlan.EtlSpec(BenchShape.WIDE, 400)),
            30,
            1,
            3000,
            2,
            2,
            1,
            500,
            128,
            2);
    BenchSuite suite = new BenchSuite(TestSpark.get(), dir.resolve("work").toString(), List.of());
    Path out = dir.resolve("bench/results.json");
    List<BenchResults> partials = new ArrayList<>();
    BenchResults results = suite.run("quick", plan, partials::add);
    // one partial result after each ETL case, after feed, after the trainers; none is finished
    assertEquals(5, partials.size());
    assertEquals(List.of(1, 2, 3, 3, 3), partials.stream().map(p -> p.etl().size()).toList());
    assertTrue(
        partials.stream()
            .allMatch(
                p ->
                    p.finished() == null
                        && p.compute() == null
                        && p.ratios().get("compute_efficiency") == null));
    assertNull(partials.get(2).feed());
    assertNull(partials.get(2).ratios().get("feed_vs_scan"));
    assertEquals(results.feed(), partials.get(3).feed());
    assertNull(partials.get(3).train());
    assertEquals(results.train(), partials.get(4).train());
    assertEquals(
        results.ratios().get("train_vs_single_jvm"),
        partials.get(4).ratios().get("train_vs_single_jvm"));
    assertNotNull(results.finished());
    suite.write(results, out.toString());
    String table = ResultsTable.render(results);
    for (String name : BenchResults.RATIO_NAMES) {
      assertTrue(table.contains(name), "the table names " + name + ":\n" + table);
    }

    JsonNode r = Json.MAPPER.readTree(Files.readString(out));
    assertEquals(
        List.of(
            "format_version",
            "suite",
            "started",
            "finished",
            "machine",
            "plan",
            "ratios",
            "targets",
            "ratios_from",
            "etl",
            "feed",
            "train",
            "compute",
            "quality"),
        fields(r));
    assertEquals(1, r.get("format_version").asInt());
    assertEquals("quick", r.get("suite").asText());
    assertEquals(BenchResults.RATIO_NAMES, fields(r.get("ratios")));
    assertEquals("<= 1.5", r.get("targets").get("etl_vs_floor").asText());
    assertEquals(Runtime.getRuntime().availableProcessors(), r.get("machine").get("cores").asInt());
    assertEquals("local[2]", r.get("machine").get("master").asText());

    // ETL: one case per shape, in plan order, each ratio from its medians
    JsonNode etl = r.get("etl");
    assertEquals(3, etl.size());
    String[] shapes = {"ames", "credit", "wide"};
    long[] rows = {3000, 2000, 400};
    int[] columns = {17, 14, 30 + WideData.TEXT_COLUMNS + 2};
    for (int i = 0; i < 3; i++) {
      JsonNode c = etl.get(i);
      assertEquals(shapes[i], c.get("shape").asText());
      assertEquals(rows[i], c.get("rows").asLong());
      assertEquals(columns[i], c.get("columns").asInt());
      assertTrue(c.get("features").asInt() > 0);
      for (String job : List.of("floor", "dlpipe", "mllib")) {
        timing(c.get(job), rows[i], 1);
      }
      assertEquals(
          median(c.get("dlpipe")) / median(c.get("floor")), c.get("etl_vs_floor").asDouble(), EPS);
      assertEquals(
          median(c.get("dlpipe")) / median(c.get("mllib")), c.get("etl_vs_mllib").asDouble(), EPS);
    }
    // the headline ETL ratios quote the Ames case
    assertEquals("ames 3000 rows", r.get("ratios_from").get("etl_vs_floor").asText());
    assertEquals(
        etl.get(0).get("etl_vs_floor").asDouble(),
        r.get("ratios").get("etl_vs_floor").asDouble(),
        0);
    assertEquals(
        etl.get(0).get("etl_vs_mllib").asDouble(),
        r.get("ratios").get("etl_vs_mllib").asDouble(),
        0);

    // feed vs scan over the train split of the Ames case
    JsonNode feed = r.get("feed");
    long trainRows = feed.get("rows").asLong();
    assertTrue(trainRows > 2000 && trainRows < 3000, "about 80% of 3000 rows: " + trainRows);
    timing(feed.get("scan"), trainRows, 1);
    timing(feed.get("feed"), trainRows, 1);
    assertEquals(
        feed.get("feed").get("per_second").asDouble()
            / feed.get("scan").get("per_second").asDouble(),
        feed.get("feed_vs_scan").asDouble(),
        EPS);
    assertEquals(
        feed.get("feed_vs_scan").asDouble(), r.get("ratios").get("feed_vs_scan").asDouble(), 0);
    int features = feed.get("features").asInt();
    assertEquals(etl.get(0).get("features").asInt(), features);

    // the Spark trainer and the single-JVM reference train the same network
    JsonNode train = r.get("train");
    // The default family for regression is wide and deep: the output also reads every feature.
    long defaultParams = (long) features * 128 + 128 + 128 * 64 + 64 + (64 + features) + 1;
    assertEquals(defaultParams, train.get("spark").get("params").asLong());
    assertEquals(defaultParams, train.get("single_jvm").get("params").asLong());
    assertEquals(2, train.get("spark").get("epoch_samples_per_s").size());
    assertEquals(2, train.get("single_jvm").get("epoch_samples_per_s").size());
    assertEquals(trainRows, train.get("single_jvm").get("rows").asLong());
    positive(train.get("spark").get("samples_per_s"));
    positive(train.get("single_jvm").get("samples_per_s"));
    // with two epochs, the steady rate is the second epoch's
    assertEquals(
        train.get("spark").get("epoch_samples_per_s").get(1).asDouble(),
        train.get("spark").get("samples_per_s").asDouble(),
        0);
    assertEquals(
        train.get("spark").get("samples_per_s").asDouble()
            / train.get("single_jvm").get("samples_per_s").asDouble(),
        train.get("train_vs_single_jvm").asDouble(),
        EPS);
    assertEquals(
        train.get("train_vs_single_jvm").asDouble(),
        r.get("ratios").get("train_vs_single_jvm").asDouble(),
        0);

    // compute efficiency of the 2x512 MLP
    JsonNode compute = r.get("compute");
    long bigParams = (long) features * 512 + 512 + 512 * 512 + 512 + (512 + features) + 1;
    assertEquals(bigParams, compute.get("params").asLong());
    assertEquals(bigParams, compute.get("single_jvm").get("params").asLong());
    assertEquals(500, compute.get("single_jvm").get("rows").asLong());
    assertEquals(6.0 * bigParams, compute.get("flops_per_sample").asDouble(), 0);
    assertEquals(128, compute.get("gemm").get("n").asInt());
    assertEquals(5, compute.get("gemm").get("runs").size());
    assertEquals(
        Runtime.getRuntime().availableProcessors(),
        compute.get("gemm").get("threads").asInt(),
        "the GEMM rate is the machine's, every core");
    double gemm = positive(compute.get("gemm").get("gflops"));
    assertEquals(
        6.0 * bigParams * positive(compute.get("spark").get("samples_per_s")) / (gemm * 1e9),
        compute.get("compute_efficiency").asDouble(),
        EPS);
    assertEquals(
        6.0 * bigParams * positive(compute.get("single_jvm").get("samples_per_s")) / (gemm * 1e9),
        compute.get("single_jvm_compute_efficiency").asDouble(),
        EPS);
    assertEquals(
        compute.get("compute_efficiency").asDouble(),
        r.get("ratios").get("compute_efficiency").asDouble(),
        0);

    // time to GBT's quality: a ratio when reached, a lower bound otherwise
    JsonNode quality = r.get("quality");
    assertEquals("r2", quality.get("metric_name").asText());
    double gbtSeconds = positive(quality.get("gbt").get("fit_seconds"));
    assertEquals(trainRows, quality.get("gbt").get("train_rows").asLong());
    JsonNode epochs = quality.get("network");
    assertEquals(2, epochs.size());
    double cumulative = 0;
    Integer reached = null;
    for (int e = 0; e < epochs.size(); e++) {
      JsonNode p = epochs.get(e);
      assertEquals(e + 1, p.get("epoch").asInt());
      cumulative += positive(p.get("seconds"));
      assertEquals(cumulative, p.get("cumulative_seconds").asDouble(), EPS);
      if (reached == null
          && p.get("metric").asDouble() >= quality.get("gbt").get("metric").asDouble()) {
        reached = e + 1;
      }
    }
    if (reached == null) {
      assertTrue(quality.get("reached_at_epoch").isNull());
      assertTrue(r.get("ratios").get("time_to_quality_vs_gbt").isNull());
      assertEquals(cumulative / gbtSeconds, quality.get("at_least").asDouble(), EPS);
    } else {
      assertEquals(reached.intValue(), quality.get("reached_at_epoch").asInt());
      double seconds = epochs.get(reached - 1).get("cumulative_seconds").asDouble();
      assertEquals(seconds / gbtSeconds, quality.get("time_to_quality_vs_gbt").asDouble(), EPS);
      assertEquals(
          quality.get("time_to_quality_vs_gbt").asDouble(),
          r.get("ratios").get("time_to_quality_vs_gbt").asDouble(),
          0);
      assertTrue(quality.get("at_least").isNull());
    }
  }

  /** Checks one timing's raw runs, median and rate; returns its median. */
  private static void timing(JsonNode t, long items, int runs) {
    assertEquals(items, t.get("items").asLong());
    JsonNode seconds = t.get("seconds");
    assertEquals(runs, seconds.size());
    List<Double> values = new ArrayList<>();
    seconds.forEach(s -> values.add(positive(s)));
    assertEquals(Timing.median(values), t.get("median_seconds").asDouble(), 0);
    assertEquals(
        items / t.get("median_seconds").asDouble(), positive(t.get("per_second")), EPS * items);
  }

  private static double median(JsonNode timing) {
    return timing.get("median_seconds").asDouble();
  }

  private static double positive(JsonNode n) {
    assertTrue(n.isNumber(), "a number: " + n);
    double v = n.asDouble();
    assertTrue(v > 0 && Double.isFinite(v), "a positive finite number: " + v);
    return v;
  }

  private static List<String> fields(JsonNode n) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
