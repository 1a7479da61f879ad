package io.dlpipe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page's structure, escaping, self-containment and handling of absent inputs, without a
 * browser.
 */
class ReportWriterTest {
  private static final Instant T = Instant.parse("2024-06-11T09:20:00Z");
  private static final List<String> SECTIONS =
      List.of(
          "summary",
          "comparison",
          "learning",
          "diagnostics",
          "importance",
          "data-quality",
          "provenance");

  private static String page(ReportFixtures.Inputs in) {
    return ReportWriter.html(
        in.metrics(), in.curves(), in.history(), in.etlSummary(), in.model(), T);
  }

  /** data-chart name to data-marks, in page order. */
  private static Map<String, Integer> charts(String html) {
    Map<String, Integer> out = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("<figure class=\"chart\" data-chart=\"([^\"]+)\" data-marks=\"(\\d+)\">")
            .matcher(html);
    while (m.find()) {
      out.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return out;
  }

  private static List<String> sections(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<section id=\"([^\"]+)\">").matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void regressionPageHasEverySectionAndItsChartsWithTheFixturesMarkCounts() {
    ReportFixtures.Inputs in = ReportFixtures.regression();
    String html = page(in);
    assertEquals(SECTIONS, sections(html));
    assertEquals(in.marks(), charts(html));
    assertEquals(
        ReportFixtures.REGRESSION_POINTS,
        occurrences(html, "<circle class=\"mark\"") - 3 * ReportFixtures.REGRESSION_EPOCHS);
    assertTrue(
        html.contains("<title>dlpipe evaluation — Regression: Sale_Price on ames.csv</title>"));
    assertTrue(html.contains("<span>Report generated <b>2024-06-11 09:20 UTC</b></span>"));
    assertTrue(html.contains("<figcaption>Permutation importance (top 20 of 25 columns)"));
    assertTrue(html.contains("<h3>Cross-validation (3 folds)</h3>"));
    assertTrue(
        html.contains("<tr><td>R²</td><td>0.9031 ± 0.0112</td><td>0.8544 ± 0.0190</td></tr>"));
    assertTrue(
        html.contains(
            "<p class=\"reconcile ok\">✓ read 2,944 = written 2,930 (train 2,052 + validation 440 + test 438) + duplicates removed 0 + quarantined 14</p>"));
    assertTrue(html.contains("<dt>versions.spark</dt><dd>3.5.1</dd>"));
    assertTrue(html.contains("<dt>config.train.hidden</dt><dd>128, 64</dd>"));
    assertTrue(html.contains("<dt>wall_seconds</dt><dd>131.7 (2 min 12 s)</dd>"));
    assertFalse(html.contains("ROC"));
  }

  @Test
  void binaryPageDrawsRocPrCalibrationAndConfusion() {
    ReportFixtures.Inputs in = ReportFixtures.binary();
    String html = page(in);
    assertEquals(SECTIONS, sections(html));
    assertEquals(in.marks(), charts(html));
    assertTrue(html.contains("<span>Task <b>classification (binary)</b></span>"));
    assertTrue(
        html.contains(
            "<p class=\"note\">No cross-validation was run: the figures above come from the single held-out test split.</p>"));
    assertTrue(
        html.contains(
            "<th>Class</th><th>Precision</th><th>Recall</th><th>F1</th><th>Actual rows</th>"));
    assertTrue(html.contains("network (AUC 0."), "the AUC in the ROC legend");
    assertTrue(
        html.contains("Spark MLlib LogisticRegression (AUC 0."),
        "the baseline's AUC in the ROC legend");
    assertFalse(html.contains("predicted-vs-actual"));
  }

  @Test
  void multiclassPageSaysRocIsForBinaryTasksAndDrawsAFullConfusionGrid() {
    String metrics =
        """
        {"task": "classification", "main_metric": "accuracy", "model.accuracy": 0.8, "baseline.accuracy": 0.7,
         "model.precision.a": 0.9, "model.recall.a": 0.8, "model.f1.a": 0.85, "importance": []}
        """;
    String curves =
        """
        {"confusion": {"classes": ["a", "b", "c"], "matrix": [[8, 1, 1], [0, 9, 1], [2, 1, 7]]},
         "calibration": [{"predicted": 0.2, "observed": 0.25, "count": 10}, {"predicted": 0.8, "observed": 0.7, "count": 20}]}
        """;
    String html = ReportWriter.html(metrics, curves, null, null, null, T);
    assertEquals(Map.of("calibration", 2, "confusion", 9), charts(html));
    assertTrue(
        html.contains(
            "<p class=\"note\">ROC and precision–recall curves are drawn for binary tasks only.</p>"));
    assertTrue(
        html.contains(
            "<tr><td>a</td><td>0.9000</td><td>0.8000</td><td>0.8500</td><td>10</td></tr>"));
    assertTrue(html.contains("<span>Task <b>classification (3 classes)</b></span>"));
  }

  @Test
  void theBetterValueOfEachMetricIsHighlightedInItsDirection() {
    String metrics =
        """
        {"task": "regression", "main_metric": "r2", "model.r2": 0.8, "baseline.r2": 0.85, "model.rmse": 100.5, "baseline.rmse": 120.25,
         "model.mae": 50, "verdict": "The baseline wins.", "baseline_name": "Spark MLlib LinearRegression"}
        """;
    String html = ReportWriter.html(metrics, null, null, null, null, T);
    assertTrue(
        html.contains(
            "<tr class=\"main\"><td>R² <span class=\"dir\" title=\"higher is better\">↑</span> <span class=\"tag\">main</span></td>"
                + "<td>0.8000</td><td class=\"better\">0.8500</td><td>−0.0500</td></tr>"));
    assertTrue(
        html.contains(
            "<tr><td>RMSE <span class=\"dir\" title=\"lower is better\">↓</span></td>"
                + "<td class=\"better\">100.5</td><td>120.3</td><td>−19.75</td></tr>"));
    assertFalse(html.contains("<td>MAE"), "a metric only the network has is not compared");
    assertTrue(html.contains("<p class=\"verdict warn\"><b>Verdict.</b> The baseline wins.</p>"));
  }

  @Test
  void findingsAndALossToTheBestRungOpenTheSummaryAsWarnings() {
    String metrics =
        """
        {"task": "regression", "main_metric": "r2", "model.r2": -0.02, "baseline.r2": -0.01, "gbt.r2": 0.03,
         "verdict": "The network loses to gbt: R² 0.0300 against the network's -0.0200.", "best_rung": "gbt",
         "findings": [{"kind": "r2-below-zero", "message": "Test R² below 0 <everywhere>."}]}
        """;
    String html = ReportWriter.html(metrics, null, null, null, null, T);
    String summary = html.substring(html.indexOf("id=\"summary\""));
    int finding =
        summary.indexOf(
            "<p class=\"verdict warn\"><b>Finding.</b> Test R² below 0 &lt;everywhere&gt;.</p>");
    int verdict =
        summary.indexOf(
            "<p class=\"verdict warn\"><b>Verdict.</b> The network loses to gbt: R² 0.0300 against the network&#39;s -0.0200.</p>");
    assertTrue(
        finding >= 0 && finding < verdict && verdict < summary.indexOf("class=\"kpis\""), summary);
    // The network beats the linear baseline here, but gbt beats it: the verdict is still a warning.
    String beatsLinearOnly = metrics.replace("\"baseline.r2\": -0.01", "\"baseline.r2\": -0.05");
    assertTrue(
        ReportWriter.html(beatsLinearOnly, null, null, null, null, T)
            .contains("<p class=\"verdict warn\"><b>Verdict.</b>"));
  }

  @Test
  void absentInputsBecomeNotesInTheirSections() {
    String metrics = ReportFixtures.regression().metrics();
    String html = ReportWriter.html(metrics, null, null, null, null, T);
    assertEquals(SECTIONS, sections(html));
    assertEquals(List.of("importance"), List.copyOf(charts(html).keySet()));
    assertTrue(
        html.contains(
            "<p class=\"missing\">No training-history.csv was given, so no learning curves can be drawn.</p>"));
    assertTrue(
        html.contains(
            "<p class=\"missing\">No curves.json was given, so the predicted-vs-actual and residual charts cannot be drawn.</p>"));
    assertTrue(
        html.contains(
            "<p class=\"missing\">No etl-summary.json was given, so the data-quality summary cannot be shown.</p>"));
    assertTrue(
        html.contains(
            "<p class=\"missing\">No model.json was given, so the provenance of the model is unknown.</p>"));
    assertTrue(html.contains("<h1>Regression</h1>"));
    assertTrue(html.contains("<span>Dataset <b>unknown</b></span>"));
  }

  @Test
  void curvesWithoutSomeChartsSayWhichPartIsMissing() {
    String metrics = ReportFixtures.binary().metrics();
    String html =
        ReportWriter.html(
            metrics,
            "{\"confusion\": {\"classes\": [\"good\", \"bad\"], \"matrix\": [[5, 1], [2, 3]]}}",
            null,
            null,
            null,
            T);
    assertEquals(
        Map.of("confusion", 4, "importance", ReportFixtures.CREDIT_COLUMNS.size()), charts(html));
    assertTrue(html.contains("<p class=\"missing\">curves.json has no roc points.</p>"));
    assertTrue(html.contains("<p class=\"missing\">curves.json has no calibration bins.</p>"));
  }

  @Test
  void everyTextFromTheInputsIsEscaped() {
    String evil = "<script>alert(\\\"x&y\\\")</script>";
    String metrics =
        "{\"task\": \"regression\", \"model.r2\": 0.5, \"baseline.r2\": 0.4, \"verdict\": \""
            + evil
            + "\", \"baseline_name\": \"'quoted' <b>\","
            + " \"importance\": [{\"column\": \""
            + evil
            + "\", \"drop\": 0.1, \"std\": 0.01}]}";
    String model =
        "{\"git_commit\": \"" + evil + "\", \"config\": {\"target\": {\"column\": \"a<b\"}}}";
    String etl =
        "{\"status\": \"failed\", \"error\": \""
            + evil
            + "\", \"rows_read\": 1, \"quarantined_by_reason\": {\"<r>\": 1}, \"rows_written\": {}}";
    String html = ReportWriter.html(metrics, null, null, etl, model, T);
    assertEquals(1, occurrences(html, "<script"), "only the page's own script");
    assertEquals(0, occurrences(html, "<b>\""));
    assertTrue(html.contains("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;"));
    assertTrue(html.contains("<h1>Regression: a&lt;b</h1>"));
    assertTrue(html.contains("<th>&#39;quoted&#39; &lt;b&gt;</th>"));
    assertTrue(html.contains("<title>&lt;r&gt;: 1 rows</title>"));
    assertEquals("&lt;a href=&#39;x&#39;&gt;&amp;&quot;\uFFFD", Fmt.esc("<a href='x'>&\"\u0001"));
  }

  @Test
  void thePageReferencesNothingOnTheNetwork() {
    for (ReportFixtures.Inputs in : List.of(ReportFixtures.regression(), ReportFixtures.binary())) {
      String html = page(in);
      assertFalse(html.contains("http://"), "http:// in the page");
      assertFalse(html.contains("https://"), "https:// in the page");
      assertFalse(
          Pattern.compile("\\b(src|srcset|data|action|poster)\\s*=", Pattern.CASE_INSENSITIVE)
              .matcher(html)
              .find(),
          "a src-like attribute");
      assertFalse(html.contains("@import") || html.contains("@font-face"), "CSS that loads");
      Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
      while (href.find()) {
        assertTrue(href.group(1).startsWith("#"), "a link off the page: " + href.group(1));
      }
      Matcher url = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
      while (url.find()) {
        assertTrue(url.group(1).startsWith("#"), "a CSS url() off the page: " + url.group(1));
      }
    }
    // a URL in the data stays text: escaped, in a <dd>, never an attribute
    String html =
        ReportWriter.html(
            ReportFixtures.regression().metrics(),
            null,
            null,
            null,
            "{\"docs\": \"https://example.org/x?a=1&b=2\"}",
            T);
    assertTrue(html.contains("<dt>docs</dt><dd>https://example.org/x?a=1&amp;b=2</dd>"));
    assertFalse(Pattern.compile("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(html).find());
  }

  @Test
  void theSameInputsGiveTheSamePage() {
    ReportFixtures.Inputs in = ReportFixtures.binary();
    assertEquals(page(in), page(ReportFixtures.binary()));
  }

  @Test
  void countsThatDoNotReconcileAreFlagged() {
    String etl =
        """
        {"status": "succeeded", "rows_read": 100, "rows_quarantined": 2, "quarantined_by_reason": {"malformed_row": 2},
         "duplicates_removed": 1, "rows_written": {"train": 80, "validation": 10, "test": 5}, "reject_ratio": 0.02, "max_reject_ratio": 0.05}
        """;
    String html =
        ReportWriter.html(ReportFixtures.regression().metrics(), null, null, etl, null, T);
    assertTrue(
        html.contains(
            "<p class=\"reconcile bad\">✗ read 100 ≠ written 95 (train 80 + validation 10 + test 5) + duplicates removed 1 + quarantined 2"
                + " — the counts do not reconcile</p>"));
    assertTrue(html.contains("<tr><td>Rows quarantined</td><td>2 (2.0 %; limit 5.0 %)</td></tr>"));
  }

  @Test
  void featureRowsShowTheLabelNoiseAndTheBoundItSets() {
    String etl =
        """
        {"status": "succeeded", "rows_read": 100, "rows_quarantined": 0, "quarantined_by_reason": {}, "duplicates_removed": 0,
         "rows_written": {"train": 80, "validation": 10, "test": 10}, "reject_ratio": 0.0, "max_reject_ratio": 0.05,
         "feature_rows": {"split_rule": "features-v2", "in_several_splits": 0,
           "by_split": {"train": {"rows": 80, "distinct": 20, "with_several_labels": 15, "rows_with_several_labels": 70, "max_accuracy": 0.7125, "max_auc": 0.69},
                        "test": {"rows": 10, "distinct": 2, "with_several_labels": 2, "rows_with_several_labels": 10, "max_accuracy": 0.6, "max_auc": 0.55}},
           "warnings": ["The test split holds 10 rows but only 2 distinct feature rows: <careful>"]}}
        """;
    String html =
        ReportWriter.html(ReportFixtures.regression().metrics(), null, null, etl, null, T);
    assertTrue(
        html.contains(
            "<tr><td>train</td><td>80</td><td>20</td><td>15 (70)</td><td>AUC 0.6900, accuracy 0.7125</td></tr>"),
        html);
    assertTrue(
        html.contains(
            "<tr><td>test</td><td>10</td><td>2</td><td>2 (10)</td><td>AUC 0.5500, accuracy 0.6000</td></tr>"));
    assertTrue(
        html.contains(
            "Split by features-v2: rows with the same features share a split unless etl.split.id-column decides; 0 feature rows are in more than one split."));
    assertTrue(
        html.contains(
            "<p class=\"verdict warn\">The test split holds 10 rows but only 2 distinct feature rows: &lt;careful&gt;</p>"));
  }

  @Test
  void historyIsReadByColumnNameAsTheTrainerWritesIt() {
    History h =
        History.parse(
            "epoch,train_loss,val_loss,val_auc,samples_per_s,seconds\n1,0.7,0.69,0.61,1000.0,2.5\n2,0.6,0.65,0.66,1100.0,2.4\n3,0.5,0.66,0.64,1050.0,2.6\n");
    assertEquals("auc", h.metricName());
    assertEquals(new History.Epoch(2, 0.6, 0.65, 0.66, 1100.0, 2.4), h.rows().get(1));
    assertEquals(2, h.bestEpoch());
    History lossOnly = History.parse("epoch,train_loss,val_loss\n1,0.7,0.69\n2,0.6,0.71\n");
    assertEquals(null, lossOnly.metricName());
    assertEquals(1, lossOnly.bestEpoch());
  }

  @Test
  void badInputsFailNamingTheFileAndTheProblem() {
    String metrics = ReportFixtures.regression().metrics();
    assertEquals(
        "metrics.json is required: the report is built around it",
        assertThrows(
                IllegalArgumentException.class,
                () -> ReportWriter.html(null, null, null, null, null))
            .getMessage());
    assertEquals(
        "metrics.json: task must be regression or classification but was 'ranking'",
        assertThrows(
                IllegalArgumentException.class,
                () -> ReportWriter.html("{\"task\": \"ranking\"}", null, null, null, null))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ReportWriter.html(metrics, "{\"roc\": [", null, null, null))
            .getMessage()
            .startsWith("curves.json is not valid JSON: "));
    assertEquals(
        "training-history.csv line 3, column val_loss: expected a number but found 'abc'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ReportWriter.html(
                        metrics,
                        null,
                        "epoch,train_loss,val_loss\n1,0.5,0.4\n2,0.4,abc\n",
                        null,
                        null))
            .getMessage());
  }

  @Test
  void numbersAreFormattedForReaders() {
    assertEquals("0.9123", Fmt.num(0.912345));
    assertEquals("1,234,568", Fmt.num(1234567.8));
    assertEquals("−0.5000", Fmt.num(-0.5));
    assertEquals("0.0005", Fmt.num(0.0005));
    assertEquals("2.00e-05", Fmt.num(0.00002));
    assertEquals("+0.0380", Fmt.signed(0.038));
    assertEquals("200k", Fmt.tick(200000, 100000));
    assertEquals("−75k", Fmt.tick(-75000, 25000));
    assertEquals("0", Fmt.tick(1e-17, 0.2));
    assertEquals("0.25", Fmt.tick(0.25, 0.25));
    assertEquals("0.8", Fmt.tick(0.8, 0.2));
    assertEquals("1.5M", Fmt.tick(1_500_000, 500_000));
    assertEquals("2 min 12 s", Fmt.seconds(131.7));
    assertEquals("3.25 s", Fmt.seconds(3.25));
    assertEquals("1 h 05 min", Fmt.seconds(3900));
  }
}
