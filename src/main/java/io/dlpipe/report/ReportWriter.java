package io.dlpipe.report;

import static io.dlpipe.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Writes {@code evaluation/report.html}: one self-contained page a data scientist can read offline,
 * answering in order: does the network beat the baseline, how did training go, where does it err,
 * what does it rely on, what happened to the data, and how exactly was it made.
 *
 * <p>Everything is inline (CSS, SVG charts, a few lines of script) and nothing references the
 * network, so the page survives being mailed, archived or opened on an air-gapped cluster. Only
 * {@code metrics.json} is required; each other input may be absent, and its section then says so.
 */
public final class ReportWriter {
  /** How many columns the importance chart shows: beyond that the bars are noise to a reader. */
  static final int TOP_IMPORTANCE = 20;

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ReportWriter() {}

  /**
   * All inputs are file contents as text; any of curves/history/etlSummary/model may be null when
   * absent (the page then says so in that section instead of failing).
   */
  public static String html(
      String metricsJson,
      String curvesJson,
      String historyCsv,
      String etlSummaryJson,
      String modelJson) {
    return html(metricsJson, curvesJson, historyCsv, etlSummaryJson, modelJson, Instant.now());
  }

  /**
   * As {@link #html(String, String, String, String, String)}, with a drift section from the
   * drift.json of the day that retrained ({@code run --date}); {@code driftJson} may be null.
   */
  public static String html(
      String metricsJson,
      String curvesJson,
      String historyCsv,
      String etlSummaryJson,
      String modelJson,
      String driftJson) {
    String page =
        html(metricsJson, curvesJson, historyCsv, etlSummaryJson, modelJson, Instant.now());
    if (driftJson == null) {
      return page;
    }
    // After the summary: the reason the model was retrained is the first thing a reader of a
    // scheduled run asks.
    String section = DriftSection.render(MetricsView.tree(driftJson, "drift.json"));
    int at = page.indexOf("<section id=\"comparison\">");
    return at < 0
        ? page.replace("</main>", section + "</main>")
        : page.substring(0, at) + section + page.substring(at);
  }

  /** A self-contained page of one day's drift.json. */
  public static String driftPage(String driftJson) {
    return DriftSection.page(MetricsView.tree(driftJson, "drift.json"));
  }

  /**
   * As {@link #html(String, String, String, String, String)}, stamped with the given time (tests
   * compare exact pages).
   */
  static String html(
      String metricsJson,
      String curvesJson,
      String historyCsv,
      String etlSummaryJson,
      String modelJson,
      Instant generatedAt) {
    MetricsView metrics = MetricsView.parse(metricsJson);
    JsonNode curves = curvesJson == null ? null : MetricsView.tree(curvesJson, "curves.json");
    History history = historyCsv == null ? null : History.parse(historyCsv);
    JsonNode etl =
        etlSummaryJson == null ? null : MetricsView.tree(etlSummaryJson, "etl-summary.json");
    JsonNode model = modelJson == null ? null : MetricsView.tree(modelJson, "model.json");
    return new ReportWriter.Page(metrics, curves, history, etl, model, generatedAt).render();
  }

  /** One rendering: the parsed inputs and the growing HTML. */
  private static final class Page {
    private final MetricsView m;
    private final JsonNode curves;
    private final History history;
    private final JsonNode etl;
    private final JsonNode model;
    private final Instant generatedAt;
    private final StringBuilder out = new StringBuilder(64 * 1024);

    Page(
        MetricsView m,
        JsonNode curves,
        History history,
        JsonNode etl,
        JsonNode model,
        Instant generatedAt) {
      this.m = m;
      this.curves = curves;
      this.history = history;
      this.etl = etl;
      this.model = model;
      this.generatedAt = generatedAt;
    }

    String render() {
      String dataset = dataset();
      String target =
          model == null ? null : text(model.path("config").path("target").path("column"));
      String title =
          (m.regression() ? "Regression" : "Classification")
              + (target == null ? "" : ": " + target)
              + (dataset == null ? "" : " on " + dataset);
      out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .append("<title>dlpipe evaluation — ")
          .append(esc(title))
          .append("</title>\n<style>")
          .append(Style.CSS)
          .append("</style>\n</head>\n<body>\n");
      header(title, dataset, target);
      out.append("<main class=\"wrap\">\n");
      summary();
      comparison();
      learning();
      diagnostics();
      importance();
      dataQuality();
      provenance();
      out.append(
          "</main>\n<footer class=\"wrap\">Written by dlpipe. Self-contained: no part of this page is loaded from the network.</footer>\n");
      out.append("<script>").append(Style.SCRIPT).append("</script>\n</body>\n</html>\n");
      return out.toString();
    }

    private String dataset() {
      String path = etl == null ? null : text(etl.get("input_path"));
      if (path == null && model != null) {
        path = text(model.path("config").path("input").path("path"));
      }
      if (path == null) {
        return null;
      }
      String p = path.replaceAll("/+$", "");
      return p.substring(p.lastIndexOf('/') + 1);
    }

    private void header(String title, String dataset, String target) {
      out.append(
          "<header><div class=\"wrap\"><div class=\"brand\">dlpipe · evaluation report</div>");
      out.append("<h1>").append(esc(title)).append("</h1><div class=\"meta\">");
      meta("Task", m.task + (m.regression() ? "" : classesNote()));
      meta("Dataset", dataset == null ? "unknown" : dataset);
      if (target != null) {
        meta("Target", target);
      }
      meta("Main metric", MetricsView.label(m.mainMetric));
      if (model != null && text(model.get("finished_at")) != null) {
        meta("Trained", instant(text(model.get("finished_at"))));
      }
      meta("Report generated", DATE.format(generatedAt));
      out.append("</div></div></header>\n");
      out.append(
              "<nav class=\"wrap toc\"><a href=\"#summary\">Summary</a><a href=\"#comparison\">Network vs baseline</a>")
          .append("<a href=\"#learning\">Learning curves</a><a href=\"#diagnostics\">")
          .append(m.regression() ? "Errors" : "Classification quality")
          .append(
              "</a><a href=\"#importance\">Feature importance</a><a href=\"#data-quality\">Data quality</a><a href=\"#provenance\">Provenance</a></nav>\n");
    }

    private String classesNote() {
      int k =
          Math.max(
              m.classes().size(),
              curves == null ? 0 : curves.path("confusion").path("classes").size());
      return k == 0 ? "" : k == 2 ? " (binary)" : " (" + k + " classes)";
    }

    private void meta(String label, String value) {
      out.append("<span>")
          .append(esc(label))
          .append(" <b>")
          .append(esc(value))
          .append("</b></span>");
    }

    private void summary() {
      section("summary", "Summary", null);
      // First on the page: what is not normal, then whether a baseline does better than the
      // network.
      for (JsonNode f : m.root.path("findings")) {
        out.append("<p class=\"verdict warn\"><b>Finding.</b> ")
            .append(esc(f.path("message").asText()))
            .append("</p>\n");
      }
      String verdict = m.text("verdict");
      Boolean wins = m.lostToRung() ? Boolean.FALSE : m.networkWins();
      out.append("<p class=\"verdict ")
          .append(wins == null ? "neutral" : wins ? "good" : "warn")
          .append("\"><b>Verdict.</b> ")
          .append(esc(verdict == null ? "metrics.json gives no verdict." : verdict))
          .append("</p>\n");
      out.append("<div class=\"kpis\">");
      String main = m.mainMetric;
      kpi(MetricsView.label(main) + " · network", m.model(main), baselineLine(main));
      String second = m.regression() ? "rmse" : main.equals("accuracy") ? "log_loss" : "accuracy";
      kpi(MetricsView.label(second) + " · network", m.model(second), baselineLine(second));
      JsonNode counts = m.root.path("counts");
      long testRows = counts.path("test_rows").asLong(-1);
      out.append("<div class=\"kpi\"><div class=\"l\">Test rows</div><div class=\"v\">")
          .append(testRows < 0 ? "n/a" : Fmt.count(testRows))
          .append("</div><div class=\"s\">");
      if (model != null && model.has("feature_count")) {
        out.append(Fmt.count(model.path("feature_count").asLong()))
            .append(" features after encoding");
      } else {
        out.append("held out from training");
      }
      out.append("</div></div>");
      int best = bestEpoch();
      int epochs =
          model != null && model.has("epochs_run")
              ? model.path("epochs_run").asInt()
              : history == null ? 0 : history.rows().size();
      out.append("<div class=\"kpi\"><div class=\"l\">Training</div><div class=\"v\">")
          .append(
              best > 0 ? "epoch " + best + " <span class=\"of\">of " + epochs + "</span>" : "n/a")
          .append("</div><div class=\"s\">");
      if (model != null && model.has("wall_seconds")) {
        out.append(esc(Fmt.seconds(model.path("wall_seconds").asDouble()))).append(" wall time");
        if (model.has("samples_per_s")) {
          out.append(" · ")
              .append(esc(Fmt.num(model.path("samples_per_s").asDouble())))
              .append(" samples/s");
        }
      } else {
        out.append(best > 0 ? "best epoch, kept in the bundle" : "no training history");
      }
      out.append("</div></div></div>\n");
      out.append("</section>\n");
    }

    private String baselineLine(String metric) {
      OptionalDouble b = m.baseline(metric);
      OptionalDouble v = m.model(metric);
      if (b.isEmpty()) {
        return "no baseline value";
      }
      String s = "baseline " + Fmt.num(b.getAsDouble());
      if (v.isPresent()) {
        s += " · Δ " + Fmt.signed(v.getAsDouble() - b.getAsDouble());
      }
      return s;
    }

    private void kpi(String label, OptionalDouble value, String sub) {
      out.append("<div class=\"kpi\"><div class=\"l\">")
          .append(esc(label))
          .append("</div><div class=\"v\">")
          .append(value.isPresent() ? esc(Fmt.num(value.getAsDouble())) : "n/a")
          .append("</div><div class=\"s\">")
          .append(esc(sub))
          .append("</div></div>");
    }

    private void comparison() {
      String baselineName = baselineName();
      section(
          "comparison",
          "Network vs baseline",
          "Every metric both models report on the test split, against "
              + baselineName
              + " trained on the same prepared data. The better value of each row is highlighted.");
      List<String> shared = m.shared();
      if (shared.isEmpty()) {
        missing("metrics.json has no metric that both the network and the baseline report.");
      } else {
        out.append("<table class=\"metrics\"><thead><tr><th>Metric</th><th>Network</th><th>")
            .append(esc(baselineName))
            .append("</th><th>Network − baseline</th></tr></thead><tbody>");
        for (String metric : shared) {
          double a = m.model(metric).getAsDouble();
          double b = m.baseline(metric).getAsDouble();
          int cmp = MetricsView.better(metric, a, b);
          out.append("<tr")
              .append(metric.equals(m.mainMetric) ? " class=\"main\"" : "")
              .append("><td>")
              .append(esc(MetricsView.label(metric)))
              .append(" <span class=\"dir\" title=\"")
              .append(
                  MetricsView.lowerIsBetter(metric)
                      ? "lower is better\">↓"
                      : "higher is better\">↑")
              .append("</span>")
              .append(metric.equals(m.mainMetric) ? " <span class=\"tag\">main</span>" : "")
              .append("</td>")
              .append("<td")
              .append(cmp > 0 ? " class=\"better\"" : "")
              .append(">")
              .append(esc(Fmt.num(a)))
              .append("</td>")
              .append("<td")
              .append(cmp < 0 ? " class=\"better\"" : "")
              .append(">")
              .append(esc(Fmt.num(b)))
              .append("</td>")
              .append("<td>")
              .append(esc(Fmt.signed(a - b)))
              .append("</td></tr>");
        }
        out.append("</tbody></table>\n");
      }
      ladder();
      perClass();
      crossValidation();
      out.append("</section>\n");
    }

    /** The baseline ladder: every rung's main metric and training time beside the network's. */
    private void ladder() {
      OptionalDouble net = m.model(m.mainMetric);
      if (net.isEmpty() || m.rung("gbt", m.mainMetric).isEmpty()) {
        return; // one rung: the comparison table above says it all
      }
      out.append(
              "<h3>Baseline ladder</h3><table class=\"metrics ladder\"><thead><tr><th>Model</th><th>")
          .append(esc(MetricsView.label(m.mainMetric)))
          .append("</th><th>Network − model</th><th>Training seconds</th></tr></thead><tbody>");
      ladderRow("Network", net.getAsDouble(), net.getAsDouble(), m.model("training_seconds"));
      ladderRow(
          baselineName(),
          m.baseline(m.mainMetric).orElse(Double.NaN),
          net.getAsDouble(),
          m.baseline("training_seconds"));
      String gbt = m.text("gbt_name");
      ladderRow(
          gbt == null ? "Gradient-boosted trees" : gbt,
          m.rung("gbt", m.mainMetric).getAsDouble(),
          net.getAsDouble(),
          m.rung("gbt", "training_seconds"));
      out.append("</tbody></table>\n");
    }

    private void ladderRow(String name, double value, double network, OptionalDouble seconds) {
      out.append("<tr><td>")
          .append(esc(name))
          .append("</td><td>")
          .append(esc(Fmt.num(value)))
          .append("</td><td>")
          .append(name.equals("Network") ? "" : esc(Fmt.signed(network - value)))
          .append("</td><td>")
          .append(seconds.isPresent() ? esc(Fmt.num(seconds.getAsDouble())) : "n/a")
          .append("</td></tr>");
    }

    private String baselineName() {
      String name = m.text("baseline_name");
      return name == null || name.isBlank() ? "Baseline" : name;
    }

    private void perClass() {
      List<String> classes = m.classes();
      if (classes.isEmpty()) {
        return;
      }
      Map<String, Long> support = new LinkedHashMap<>();
      JsonNode conf = curves == null ? null : curves.path("confusion");
      if (conf != null && conf.path("classes").isArray()) {
        for (int i = 0; i < conf.path("classes").size(); i++) {
          long sum = 0;
          for (JsonNode c : conf.path("matrix").path(i)) {
            sum += c.asLong();
          }
          support.put(conf.path("classes").get(i).asText(), sum);
        }
      }
      out.append(
              "<h3>Per class (network)</h3><table class=\"metrics\"><thead><tr><th>Class</th><th>Precision</th><th>Recall</th><th>F1</th>")
          .append(support.isEmpty() ? "" : "<th>Actual rows</th>")
          .append("</tr></thead><tbody>");
      for (String c : classes) {
        out.append("<tr><td>").append(esc(c)).append("</td>");
        for (String k : List.of("precision.", "recall.", "f1.")) {
          OptionalDouble v = m.model(k + c);
          out.append("<td>")
              .append(v.isPresent() ? esc(Fmt.num(v.getAsDouble())) : "n/a")
              .append("</td>");
        }
        if (!support.isEmpty()) {
          out.append("<td>")
              .append(support.containsKey(c) ? Fmt.count(support.get(c)) : "n/a")
              .append("</td>");
        }
        out.append("</tr>");
      }
      out.append("</tbody></table>\n");
    }

    private void crossValidation() {
      JsonNode cv = m.root.get("cv");
      if (cv == null || !cv.isObject()) {
        out.append(
            "<p class=\"note\">No cross-validation was run: the figures above come from the single held-out test split.</p>\n");
        return;
      }
      Map<String, JsonNode[]> rows = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = cv.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        int side = k.startsWith("model.") ? 0 : k.startsWith("baseline.") ? 1 : -1;
        if (side >= 0 && e.getValue().isObject()) {
          rows.computeIfAbsent(k.substring(k.indexOf('.') + 1), x -> new JsonNode[2])[side] =
              e.getValue();
        }
      }
      out.append("<h3>Cross-validation (")
          .append(cv.path("folds").asInt())
          .append(" folds)</h3>")
          .append(
              "<table class=\"metrics\"><thead><tr><th>Metric</th><th>Network mean ± std</th><th>")
          .append(esc(baselineName()))
          .append(" mean ± std</th></tr></thead><tbody>");
      for (Map.Entry<String, JsonNode[]> r : rows.entrySet()) {
        out.append("<tr><td>").append(esc(MetricsView.label(r.getKey()))).append("</td>");
        for (JsonNode n : r.getValue()) {
          out.append("<td>")
              .append(
                  n == null
                      ? "n/a"
                      : esc(
                          Fmt.num(n.path("mean").asDouble())
                              + " ± "
                              + Fmt.num(n.path("std").asDouble())))
              .append("</td>");
        }
        out.append("</tr>");
      }
      out.append("</tbody></table>\n");
    }

    private int bestEpoch() {
      if (model != null && model.path("best_epoch").isInt()) {
        return model.path("best_epoch").asInt();
      }
      return history == null ? 0 : history.bestEpoch();
    }

    private void learning() {
      section(
          "learning",
          "Learning curves",
          "Per epoch, from training-history.csv. A validation loss that rises while the training loss falls is over-fitting.");
      if (history == null) {
        missing("No training-history.csv was given, so no learning curves can be drawn.");
      } else if (history.rows().isEmpty()) {
        missing("training-history.csv has no epoch rows.");
      } else {
        int best = bestEpoch();
        grid(
            Charts.loss(history, best),
            Charts.metric(history, best),
            "training-history.csv has no loss column.",
            "training-history.csv has no validation metric column.");
        epochTable(best);
      }
      out.append("</section>\n");
    }

    private void epochTable(int best) {
      String metric =
          history.metricName() == null ? "metric" : MetricsView.label(history.metricName());
      out.append("<details><summary>Epoch table (")
          .append(history.rows().size())
          .append(" epochs)</summary><table class=\"metrics\"><thead><tr>")
          .append("<th>Epoch</th><th>Train loss</th><th>Validation loss</th><th>Validation ")
          .append(esc(metric))
          .append("</th><th>Samples/s</th><th>Seconds</th></tr></thead><tbody>");
      for (History.Epoch e : history.rows()) {
        out.append("<tr")
            .append(e.epoch() == best ? " class=\"main\"" : "")
            .append("><td>")
            .append(e.epoch())
            .append(e.epoch() == best ? " <span class=\"tag\">best</span>" : "")
            .append("</td><td>")
            .append(esc(Fmt.num(e.trainLoss())))
            .append("</td><td>")
            .append(esc(Fmt.num(e.valLoss())))
            .append("</td><td>")
            .append(esc(Fmt.num(e.metric())))
            .append("</td><td>")
            .append(esc(Fmt.num(e.samplesPerS())))
            .append("</td><td>")
            .append(esc(Fmt.num(e.seconds())))
            .append("</td></tr>");
      }
      out.append("</tbody></table></details>\n");
    }

    private void diagnostics() {
      if (m.regression()) {
        section(
            "diagnostics",
            "Errors on the test split",
            "Where the network is right and where it is wrong, in the target's own units.");
        if (curves == null) {
          missing(
              "No curves.json was given, so the predicted-vs-actual and residual charts cannot be drawn.");
        } else {
          OptionalDouble r2 = m.model("r2");
          grid(
              Charts.predictedVsActual(
                  curves.get("predicted_vs_actual"),
                  r2.isPresent() ? Fmt.num(r2.getAsDouble()) : null),
              Charts.residuals(curves.get("residual_histogram")),
              "curves.json has no predicted_vs_actual points.",
              "curves.json has no residual_histogram.");
        }
      } else {
        section(
            "diagnostics",
            "Classification quality on the test split",
            "Ranking (ROC, precision–recall), probability calibration and the mistakes by class.");
        if (curves == null) {
          missing(
              "No curves.json was given, so the ROC, calibration and confusion charts cannot be drawn.");
        } else {
          boolean binary = curves.has("roc") || m.model("auc").isPresent();
          if (binary) {
            String positive = m.text("positive_class");
            if (positive != null) {
              out.append("<p class=\"note\">Positive class: <b>")
                  .append(esc(positive))
                  .append(
                      "</b>. ROC, precision–recall, the decision threshold and the precision, recall and F1 without a class name are for it.</p>");
            }
            double threshold = curves.path("threshold").asDouble(Double.NaN);
            grid(
                Charts.roc(
                    curves.get("roc"),
                    curves.get("baseline_roc"),
                    formatted(m.model("auc")),
                    formatted(m.baseline("auc")),
                    baselineName(),
                    threshold),
                Charts.pr(
                    curves.get("pr"), formatted(m.model("pr_auc")), positiveRate(), threshold),
                "curves.json has no roc points.",
                "curves.json has no pr points.");
          } else {
            out.append(
                "<p class=\"note\">ROC and precision–recall curves are drawn for binary tasks only.</p>");
          }
          grid(
              Charts.calibration(curves.get("calibration")),
              Charts.confusion(curves.get("confusion")),
              "curves.json has no calibration bins.",
              "curves.json has no confusion matrix.");
        }
      }
      out.append("</section>\n");
    }

    private double positiveRate() {
      JsonNode matrix = curves.path("confusion").path("matrix");
      if (!matrix.isArray() || matrix.size() != 2) {
        return Double.NaN;
      }
      double total = 0;
      double positives = 0;
      for (int i = 0; i < 2; i++) {
        for (JsonNode c : matrix.get(i)) {
          total += c.asDouble();
          positives += i == 1 ? c.asDouble() : 0;
        }
      }
      return total == 0 ? Double.NaN : positives / total;
    }

    private static String formatted(OptionalDouble v) {
      return v.isPresent() ? Fmt.num(v.getAsDouble()) : null;
    }

    private void importance() {
      JsonNode rows = m.root.get("importance");
      long n = m.root.path("counts").path("importance_rows").asLong(-1);
      section(
          "importance",
          "Feature importance",
          "Permutation importance: how much the "
              + MetricsView.label(m.mainMetric)
              + " of the network drops when one input column is shuffled"
              + (n >= 0 ? ", measured on " + Fmt.count(n) + " test rows" : "")
              + ".");
      String chart = Charts.importance(rows, m.mainMetric, TOP_IMPORTANCE);
      if (chart == null) {
        missing("metrics.json has no importance list.");
      } else {
        out.append(chart);
      }
      out.append("</section>\n");
    }

    private void dataQuality() {
      section(
          "data-quality",
          "Data quality",
          "What the ETL read, set aside and wrote, from etl-summary.json.");
      if (etl == null) {
        missing("No etl-summary.json was given, so the data-quality summary cannot be shown.");
        out.append("</section>\n");
        return;
      }
      String status = text(etl.get("status"));
      if ("failed".equals(status)) {
        out.append("<p class=\"verdict warn\"><b>The ETL run failed.</b> ")
            .append(esc(text(etl.get("error"))))
            .append("</p>");
      }
      long read = etl.path("rows_read").asLong();
      long quarantined = etl.path("rows_quarantined").asLong();
      long dupFound = etl.path("duplicates_found").asLong();
      long dupRemoved = etl.path("duplicates_removed").asLong();
      Map<String, Long> written = splitsInOrder(longs(etl.path("rows_written")));
      long totalWritten = written.values().stream().mapToLong(Long::longValue).sum();
      out.append("<div class=\"grid2\"><div>");
      out.append("<table class=\"metrics\"><tbody>");
      row("Rows read", Fmt.count(read));
      row(
          "Rows quarantined",
          Fmt.count(quarantined)
              + " ("
              + Fmt.percent(etl.path("reject_ratio").asDouble())
              + "; limit "
              + Fmt.percent(etl.path("max_reject_ratio").asDouble())
              + ")");
      row("Duplicates found / removed", Fmt.count(dupFound) + " / " + Fmt.count(dupRemoved));
      for (Map.Entry<String, Long> e : written.entrySet()) {
        row("Rows written: " + e.getKey(), Fmt.count(e.getValue()));
      }
      row("Rows written in total", Fmt.count(totalWritten));
      if (etl.has("feature_count")) {
        row("Features per row", Fmt.count(etl.path("feature_count").asLong()));
      }
      out.append("</tbody></table>");
      boolean reconciles = read == totalWritten + dupRemoved + quarantined;
      StringBuilder parts = new StringBuilder();
      for (Map.Entry<String, Long> e : written.entrySet()) {
        parts
            .append(parts.length() == 0 ? "" : " + ")
            .append(e.getKey())
            .append(' ')
            .append(Fmt.count(e.getValue()));
      }
      out.append("<p class=\"reconcile ")
          .append(reconciles ? "ok" : "bad")
          .append("\">")
          .append(reconciles ? "✓ " : "✗ ")
          .append(
              esc(
                  "read "
                      + Fmt.count(read)
                      + (reconciles ? " = " : " ≠ ")
                      + "written "
                      + Fmt.count(totalWritten)
                      + (parts.length() == 0 ? "" : " (" + parts + ")")
                      + " + duplicates removed "
                      + Fmt.count(dupRemoved)
                      + " + quarantined "
                      + Fmt.count(quarantined)))
          .append(reconciles ? "" : " — the counts do not reconcile")
          .append("</p>");
      featureRows(etl.path("feature_rows"));
      out.append("</div><div>");
      String chart = Charts.quarantine(longs(etl.path("quarantined_by_reason")));
      out.append(chart == null ? "<p class=\"note\">No row was quarantined.</p>" : chart);
      Map<String, Double> stages = new LinkedHashMap<>();
      etl.path("seconds_per_stage")
          .fields()
          .forEachRemaining(e -> stages.put(e.getKey(), e.getValue().asDouble()));
      if (!stages.isEmpty()) {
        double total = stages.values().stream().mapToDouble(Double::doubleValue).sum();
        double longest = stages.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        out.append("<h3>ETL time per stage</h3><table class=\"metrics stages\"><tbody>");
        for (Map.Entry<String, Double> e : stages.entrySet()) {
          double share = longest == 0 ? 0 : e.getValue() / longest;
          out.append("<tr><td>")
              .append(esc(e.getKey()))
              .append("</td><td class=\"barcell\"><span style=\"width:")
              .append(Fmt.px(100 * share))
              .append("%\"></span></td><td>")
              .append(esc(Fmt.seconds(e.getValue())))
              .append("</td></tr>");
        }
        out.append("<tr class=\"total\"><td>total</td><td></td><td>")
            .append(esc(Fmt.seconds(total)))
            .append("</td></tr></tbody></table>");
      }
      out.append("</div></div>\n</section>\n");
    }

    /**
     * Distinct feature rows per split, those with conflicting labels, and the best score any model
     * of these features can reach on them: a metric near that bound has nothing left to learn.
     */
    private void featureRows(JsonNode f) {
      JsonNode bySplit = f.path("by_split");
      if (bySplit.isMissingNode() || bySplit.isEmpty()) {
        return;
      }
      out.append(
          "<h3>Feature rows</h3><table class=\"metrics\"><thead><tr><th></th><th>rows</th><th>distinct feature rows</th>"
              + "<th>with several labels (rows)</th><th>best any model can reach</th></tr></thead><tbody>");
      for (Iterator<Map.Entry<String, JsonNode>> it = bySplit.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode p = e.getValue();
        StringBuilder bound = new StringBuilder();
        for (String[] k :
            new String[][] {{"max_auc", "AUC"}, {"max_accuracy", "accuracy"}, {"max_r2", "R²"}}) {
          if (p.has(k[0])) {
            bound
                .append(bound.length() == 0 ? "" : ", ")
                .append(k[1])
                .append(' ')
                .append(Fmt.num(p.path(k[0]).asDouble()));
          }
        }
        out.append("<tr><td>")
            .append(esc(e.getKey()))
            .append("</td><td>")
            .append(esc(Fmt.count(p.path("rows").asLong())))
            .append("</td><td>")
            .append(esc(Fmt.count(p.path("distinct").asLong())))
            .append("</td><td>")
            .append(esc(Fmt.count(p.path("with_several_labels").asLong())))
            .append(" (")
            .append(esc(Fmt.count(p.path("rows_with_several_labels").asLong())))
            .append(")</td><td>")
            .append(esc(bound.length() == 0 ? "–" : bound.toString()))
            .append("</td></tr>");
      }
      out.append("</tbody></table>");
      out.append("<p class=\"note\">")
          .append(
              esc(
                  "Split by "
                      + text(f.get("split_rule"))
                      + ": rows with the same features share a split unless etl.split.id-column decides; "
                      + Fmt.count(f.path("in_several_splits").asLong())
                      + " feature rows are in more than one split."))
          .append("</p>");
      for (JsonNode w : f.path("warnings")) {
        out.append("<p class=\"verdict warn\">").append(esc(w.asText())).append("</p>");
      }
    }

    private void row(String label, String value) {
      out.append("<tr><td>")
          .append(esc(label))
          .append("</td><td>")
          .append(esc(value))
          .append("</td></tr>");
    }

    /** train, validation, test first (the files sort keys alphabetically), then any other split. */
    private static Map<String, Long> splitsInOrder(Map<String, Long> written) {
      Map<String, Long> out = new LinkedHashMap<>();
      for (String s : List.of("train", "validation", "test")) {
        if (written.containsKey(s)) {
          out.put(s, written.get(s));
        }
      }
      written.forEach(out::putIfAbsent);
      return out;
    }

    private static Map<String, Long> longs(JsonNode obj) {
      Map<String, Long> out = new LinkedHashMap<>();
      obj.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
      return out;
    }

    private void provenance() {
      section(
          "provenance",
          "Provenance",
          "How this model was made, from model.json: every field is listed, nested ones flattened to dotted names.");
      if (model == null) {
        missing("No model.json was given, so the provenance of the model is unknown.");
        out.append("</section>\n");
        return;
      }
      List<String[]> fields = new ArrayList<>();
      List<String[]> config = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = model.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(e.getKey(), e.getValue(), e.getKey().equals("config") ? config : fields);
      }
      out.append("<dl class=\"prov\">");
      for (String[] f : fields) {
        out.append("<dt>").append(esc(f[0])).append("</dt><dd>").append(esc(f[1])).append("</dd>");
      }
      out.append("</dl>\n");
      if (!config.isEmpty()) {
        out.append("<details><summary>Resolved configuration (")
            .append(config.size())
            .append(" keys)</summary><dl class=\"prov\">");
        for (String[] f : config) {
          out.append("<dt>")
              .append(esc(f[0]))
              .append("</dt><dd>")
              .append(esc(f[1]))
              .append("</dd>");
        }
        out.append("</dl></details>\n");
      }
      out.append("</section>\n");
    }

    private static void flatten(String key, JsonNode v, List<String[]> into) {
      if (v.isObject()) {
        if (v.isEmpty()) {
          into.add(new String[] {key, "{}"});
        }
        v.fields().forEachRemaining(e -> flatten(key + "." + e.getKey(), e.getValue(), into));
      } else if (v.isArray()) {
        boolean scalars = true;
        for (JsonNode x : v) {
          scalars &= x.isValueNode();
        }
        if (scalars) {
          List<String> parts = new ArrayList<>();
          v.forEach(x -> parts.add(x.asText()));
          into.add(new String[] {key, v.isEmpty() ? "[]" : String.join(", ", parts)});
        } else {
          for (int i = 0; i < v.size(); i++) {
            flatten(key + "[" + i + "]", v.get(i), into);
          }
        }
      } else if (v.isNull()) {
        into.add(new String[] {key, "null"});
      } else if (v.isNumber()) {
        String s = v.isIntegralNumber() ? Fmt.count(v.asLong()) : Fmt.num(v.asDouble());
        if (key.endsWith("seconds") && v.asDouble() >= 120) {
          s += " (" + Fmt.seconds(v.asDouble()) + ")";
        }
        into.add(new String[] {key, s});
      } else {
        into.add(new String[] {key, v.asText()});
      }
    }

    private void section(String id, String title, String lead) {
      out.append("<section id=\"").append(id).append("\"><h2>").append(esc(title)).append("</h2>");
      if (lead != null) {
        out.append("<p class=\"lead\">").append(esc(lead)).append("</p>");
      }
      out.append('\n');
    }

    private void missing(String why) {
      out.append("<p class=\"missing\">").append(esc(why)).append("</p>\n");
    }

    private void grid(String a, String b, String aMissing, String bMissing) {
      out.append("<div class=\"grid2\">")
          .append(a == null ? "<p class=\"missing\">" + esc(aMissing) + "</p>" : a)
          .append(b == null ? "<p class=\"missing\">" + esc(bMissing) + "</p>" : b)
          .append("</div>\n");
    }

    private static String text(JsonNode n) {
      return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    private static String instant(String iso) {
      try {
        return DATE.format(Instant.parse(iso));
      } catch (RuntimeException e) {
        return iso;
      }
    }
  }
}
