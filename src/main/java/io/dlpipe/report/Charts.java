package io.dlpipe.report;

import static io.dlpipe.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each chart of the report, from its slice of the inputs to a {@code <figure>}. A chart whose data
 * is absent or empty returns null, and the section says what is missing instead, so no chart is
 * ever drawn empty.
 */
final class Charts {
  private Charts() {}

  /** Train and validation loss per epoch. Marks: one per plotted epoch value of each series. */
  static String loss(History h, int best) {
    List<double[]> train = series(h, 't');
    List<double[]> val = series(h, 'v');
    if (train.isEmpty() && val.isEmpty()) {
      return null;
    }
    List<double[]> all = new ArrayList<>(train);
    all.addAll(val);
    Plot p = epochAxis(new Plot("learning-loss"), h).y(min(all, 1), max(all, 1), "loss");
    dotted(p, train, Plot.BLUE, "train loss, epoch ");
    dotted(p, val, Plot.ORANGE, "validation loss, epoch ");
    if (best > 0) {
      p.marker(best, "best epoch " + best, Plot.GREEN);
    }
    p.legend("line", Plot.BLUE, "train (mean minibatch loss)");
    p.legend("line", Plot.ORANGE, "validation");
    p.legend("dash", Plot.GREEN, "best epoch");
    return p.figure(
        "Loss per epoch",
        "Training loss is measured while the weights move, validation loss after each epoch.");
  }

  /** The main metric on the validation split per epoch. */
  static String metric(History h, int best) {
    List<double[]> m = series(h, 'm');
    if (m.isEmpty()) {
      return null;
    }
    String name = MetricsView.label(h.metricName());
    Plot p =
        epochAxis(new Plot("learning-metric"), h).y(min(m, 1), max(m, 1), "validation " + name);
    dotted(p, m, "#7c3aed", "validation " + name + ", epoch ");
    if (best > 0) {
      p.marker(best, "best epoch " + best, Plot.GREEN);
    }
    p.legend("line", "#7c3aed", "validation " + name);
    p.legend("dash", Plot.GREEN, "best epoch (the model kept)");
    return p.figure(
        "Validation " + name + " per epoch",
        "The bundle keeps the network of the best epoch, not the last.");
  }

  private static Plot epochAxis(Plot p, History h) {
    int last = h.rows().stream().mapToInt(History.Epoch::epoch).max().orElse(1);
    int first = h.rows().stream().mapToInt(History.Epoch::epoch).min().orElse(1);
    if (last - first <= 10) {
      return p.xFixed(first, Math.max(last, first + 1), 1, "epoch");
    }
    return p.x(first, last, "epoch");
  }

  private static List<double[]> series(History h, char which) {
    List<double[]> out = new ArrayList<>();
    for (History.Epoch e : h.rows()) {
      double v = which == 't' ? e.trainLoss() : which == 'v' ? e.valLoss() : e.metric();
      if (Double.isFinite(v)) {
        out.add(new double[] {e.epoch(), v});
      }
    }
    return out;
  }

  private static void dotted(Plot p, List<double[]> pts, String color, String tip) {
    p.line(pts, color, 2, false, false);
    double r = pts.size() <= 60 ? 3.2 : 1.8;
    for (double[] q : pts) {
      p.point(q[0], q[1], r, color, 1, tip + (int) q[0] + ": " + Fmt.num(q[1]));
    }
  }

  /** Regression: predicted against actual with the y = x line. Marks: one per point. */
  static String predictedVsActual(JsonNode pairs, String r2) {
    List<double[]> pts = pairs(pairs);
    if (pts.isEmpty()) {
      return null;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] q : pts) {
      lo = Math.min(lo, Math.min(q[0], q[1]));
      hi = Math.max(hi, Math.max(q[0], q[1]));
    }
    Plot p =
        new Plot("predicted-vs-actual", 540, 440, 64).x(lo, hi, "actual").y(lo, hi, "predicted");
    p.guide(lo - (hi - lo), lo - (hi - lo), hi + (hi - lo), hi + (hi - lo), Plot.GREY, true);
    double r = pts.size() <= 300 ? 3.2 : pts.size() <= 1000 ? 2.6 : 2;
    double a = pts.size() <= 300 ? 0.65 : pts.size() <= 1000 ? 0.45 : 0.32;
    for (double[] q : pts) {
      p.point(
          q[0], q[1], r, Plot.BLUE, a, "actual " + Fmt.num(q[0]) + " · predicted " + Fmt.num(q[1]));
    }
    p.legend("dot", Plot.BLUE, Fmt.count(pts.size()) + " test rows");
    p.legend("dash", Plot.GREY, "y = x (perfect prediction)");
    return p.figure(
        "Predicted vs actual",
        "Test split, original units"
            + (r2 == null ? "" : "; R² " + r2)
            + ". Points above the line are over-predictions.");
  }

  /** Regression: the residual histogram. Marks: one per non-empty bin. */
  static String residuals(JsonNode hist) {
    JsonNode edges = hist == null ? null : hist.get("edges");
    JsonNode counts = hist == null ? null : hist.get("counts");
    if (edges == null
        || counts == null
        || !edges.isArray()
        || !counts.isArray()
        || edges.size() != counts.size() + 1
        || counts.isEmpty()) {
      return null;
    }
    double max = 0;
    long total = 0;
    for (JsonNode c : counts) {
      max = Math.max(max, c.asDouble());
      total += c.asLong();
    }
    if (total == 0) {
      return null;
    }
    double lo = edges.get(0).asDouble();
    double hi = edges.get(edges.size() - 1).asDouble();
    Plot p =
        new Plot("residual-histogram", 540, 440, 64)
            .x(lo, hi, "residual (original units)")
            .y(0, max, "rows");
    for (int i = 0; i < counts.size(); i++) {
      long c = counts.get(i).asLong();
      if (c > 0) {
        double e0 = edges.get(i).asDouble();
        double e1 = edges.get(i + 1).asDouble();
        double gap = (e1 - e0) * 0.04;
        p.bar(
            e0 + gap,
            e1 - gap,
            0,
            c,
            Plot.BLUE,
            "[" + Fmt.num(e0) + ", " + Fmt.num(e1) + "): " + Fmt.count(c) + " rows");
      }
    }
    if (lo < 0 && hi > 0) {
      p.marker(0, "0", Plot.GREY);
    }
    p.legend("box", Plot.BLUE, Fmt.count(total) + " test rows");
    return p.figure(
        "Residuals",
        "Distribution of the test errors; a narrow peak centred on 0 means small, unbiased errors.");
  }

  /** Binary: ROC of the network, and of the baseline when given. Marks: the curves' vertices. */
  static String roc(
      JsonNode model, JsonNode baseline, String auc, String baselineAuc, String baselineName) {
    return roc(model, baseline, auc, baselineAuc, baselineName, Double.NaN);
  }

  /**
   * The curve point (x, y) whose threshold (third value) is closest to {@code threshold}, or null.
   */
  static double[] atThreshold(JsonNode curve, double threshold) {
    if (curve == null || !curve.isArray() || !Double.isFinite(threshold)) {
      return null;
    }
    double[] best = null;
    double gap = Double.POSITIVE_INFINITY;
    for (JsonNode p : curve) {
      if (p.isArray()
          && p.size() >= 3
          && p.get(2).isNumber()
          && Math.abs(p.get(2).asDouble() - threshold) < gap) {
        gap = Math.abs(p.get(2).asDouble() - threshold);
        best = new double[] {p.get(0).asDouble(), p.get(1).asDouble()};
      }
    }
    return best;
  }

  private static void thresholdMark(Plot p, JsonNode curve, double threshold) {
    double[] at = atThreshold(curve, threshold);
    if (at != null) {
      String text = "threshold " + Fmt.num(threshold);
      p.point(at[0], at[1], 6, Plot.RED, 1.0, text);
      p.label(at[0], at[1], text, "start", 9, -9, Plot.RED);
      p.legend("box", Plot.RED, "decision " + text);
    }
  }

  /**
   * Binary: ROC of the network with its decision threshold marked, and of the baseline when given.
   */
  static String roc(
      JsonNode model,
      JsonNode baseline,
      String auc,
      String baselineAuc,
      String baselineName,
      double threshold) {
    List<double[]> m = pairs(model);
    if (m.isEmpty()) {
      return null;
    }
    Plot p =
        new Plot("roc", 540, 440, 64)
            .xFixed(0, 1, 0.2, "false positive rate")
            .yFixed(0, 1, 0.2, "true positive rate");
    p.guide(0, 0, 1, 1, Plot.GREY, true);
    List<double[]> b = pairs(baseline);
    if (!b.isEmpty()) {
      p.line(b, Plot.ORANGE, 1.8, false, true);
    }
    p.line(m, Plot.BLUE, 2.4, false, true);
    p.legend("line", Plot.BLUE, "network" + (auc == null ? "" : " (AUC " + auc + ")"));
    if (!b.isEmpty()) {
      p.legend(
          "line",
          Plot.ORANGE,
          baselineName + (baselineAuc == null ? "" : " (AUC " + baselineAuc + ")"));
    }
    p.legend("dash", Plot.GREY, "chance (AUC 0.5)");
    thresholdMark(p, model, threshold);
    return p.figure(
        "ROC curve",
        "Test split; the further towards the top-left corner, the better the ranking.");
  }

  /** Binary: the precision-recall curve with the positive rate as the no-skill line. */
  static String pr(JsonNode curve, String prAuc, double positiveRate) {
    return pr(curve, prAuc, positiveRate, Double.NaN);
  }

  /**
   * Binary: the precision-recall curve with the no-skill line and the decision threshold marked.
   */
  static String pr(JsonNode curve, String prAuc, double positiveRate, double threshold) {
    List<double[]> m = pairs(curve);
    if (m.isEmpty()) {
      return null;
    }
    Plot p =
        new Plot("pr", 540, 440, 64).xFixed(0, 1, 0.2, "recall").yFixed(0, 1, 0.2, "precision");
    if (Double.isFinite(positiveRate)) {
      p.guide(0, positiveRate, 1, positiveRate, Plot.GREY, true);
    }
    p.line(m, Plot.BLUE, 2.4, false, true);
    p.legend("line", Plot.BLUE, "network" + (prAuc == null ? "" : " (PR AUC " + prAuc + ")"));
    if (Double.isFinite(positiveRate)) {
      p.legend("dash", Plot.GREY, "no skill (positive rate " + Fmt.percent(positiveRate) + ")");
    }
    thresholdMark(p, curve, threshold);
    return p.figure(
        "Precision–recall curve",
        "Test split, the last class positive; informative when positives are rare.");
  }

  /**
   * Classification: observed frequency against predicted probability per bin. Marks: one per bin.
   */
  static String calibration(JsonNode bins) {
    if (bins == null || !bins.isArray() || bins.isEmpty()) {
      return null;
    }
    double maxCount = 1;
    List<double[]> pts = new ArrayList<>();
    for (JsonNode b : bins) {
      double x = b.path("predicted").asDouble(Double.NaN);
      double y = b.path("observed").asDouble(Double.NaN);
      double n = b.path("count").asDouble(0);
      if (Double.isFinite(x) && Double.isFinite(y)) {
        pts.add(new double[] {x, y, n});
        maxCount = Math.max(maxCount, n);
      }
    }
    if (pts.isEmpty()) {
      return null;
    }
    Plot p =
        new Plot("calibration", 540, 440, 64)
            .xFixed(0, 1, 0.2, "mean predicted probability")
            .yFixed(0, 1, 0.2, "observed frequency");
    p.guide(0, 0, 1, 1, Plot.GREY, true);
    p.line(pts, Plot.BLUE, 1.5, false, false);
    for (double[] q : pts) {
      double r = 3 + 7 * Math.sqrt(q[2] / maxCount);
      p.point(
          q[0],
          q[1],
          r,
          Plot.BLUE,
          0.55,
          "predicted "
              + Fmt.num(q[0])
              + " · observed "
              + Fmt.num(q[1])
              + " · "
              + Fmt.count((long) q[2])
              + " rows");
    }
    p.legend("dot", Plot.BLUE, "bins (area ∝ rows)");
    p.legend("dash", Plot.GREY, "perfect calibration");
    return p.figure(
        "Calibration",
        "Below the diagonal the network is over-confident, above it under-confident.");
  }

  /** Classification: the confusion matrix, rows actual, columns predicted. Marks: one per cell. */
  static String confusion(JsonNode conf) {
    JsonNode classes = conf == null ? null : conf.get("classes");
    JsonNode matrix = conf == null ? null : conf.get("matrix");
    if (classes == null
        || matrix == null
        || !classes.isArray()
        || !matrix.isArray()
        || classes.isEmpty()
        || matrix.size() != classes.size()) {
      return null;
    }
    int k = classes.size();
    int cell = Math.max(14, Math.min(96, 400 / k));
    int labelW = 120;
    int top = 46;
    int w = labelW + k * cell + 20;
    int h = top + k * cell + 24;
    StringBuilder s = new StringBuilder();
    s.append("<svg viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(h)
        .append("\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(h)
        .append("\" role=\"img\" aria-label=\"Confusion matrix\" class=\"matrix\">");
    s.append("<text class=\"title\" x=\"")
        .append(labelW + k * cell / 2)
        .append("\" y=\"14\" text-anchor=\"middle\">predicted class</text>");
    s.append("<text class=\"title\" transform=\"translate(14 ")
        .append(top + k * cell / 2)
        .append(") rotate(-90)\" text-anchor=\"middle\">actual class</text>");
    int marks = 0;
    for (int i = 0; i < k; i++) {
      String label = classes.get(i).asText();
      String shown = label.length() > 14 ? label.substring(0, 13) + "…" : label;
      if (cell >= 22) {
        s.append("<text x=\"")
            .append(labelW + i * cell + cell / 2)
            .append("\" y=\"")
            .append(top - 8)
            .append("\" text-anchor=\"middle\">")
            .append(esc(shown))
            .append("</text>");
        s.append("<text x=\"")
            .append(labelW - 8)
            .append("\" y=\"")
            .append(top + i * cell + cell / 2 + 4)
            .append("\" text-anchor=\"end\">")
            .append(esc(shown))
            .append("</text>");
      }
      JsonNode row = matrix.get(i);
      long rowSum = 0;
      for (JsonNode c : row) {
        rowSum += c.asLong();
      }
      for (int j = 0; j < k; j++) {
        long n = row.path(j).asLong();
        double share = rowSum == 0 ? 0 : (double) n / rowSum;
        int x = labelW + j * cell;
        int y = top + i * cell;
        s.append("<rect class=\"mark\" x=\"")
            .append(x + 1)
            .append("\" y=\"")
            .append(y + 1)
            .append("\" width=\"")
            .append(cell - 2)
            .append("\" height=\"")
            .append(cell - 2)
            .append("\" rx=\"3\" fill=\"")
            .append(shade(share, i == j))
            .append("\"><title>actual ")
            .append(esc(label))
            .append(", predicted ")
            .append(esc(classes.get(j).asText()))
            .append(": ")
            .append(Fmt.count(n))
            .append(" rows (")
            .append(Fmt.percent(share))
            .append(" of the actual class)</title></rect>");
        marks++;
        if (cell >= 44) {
          String ink = share > 0.5 ? "#ffffff" : "#1f2937";
          s.append("<text x=\"")
              .append(x + cell / 2)
              .append("\" y=\"")
              .append(y + cell / 2 - 1)
              .append("\" text-anchor=\"middle\" class=\"count\" style=\"fill:")
              .append(ink)
              .append("\">")
              .append(Fmt.count(n))
              .append("</text>");
          s.append("<text x=\"")
              .append(x + cell / 2)
              .append("\" y=\"")
              .append(y + cell / 2 + 15)
              .append("\" text-anchor=\"middle\" class=\"share\" style=\"fill:")
              .append(ink)
              .append("\">")
              .append(esc(Fmt.percent(share)))
              .append("</text>");
        }
      }
    }
    s.append("</svg>");
    return "<figure class=\"chart\" data-chart=\"confusion\" data-marks=\""
        + marks
        + "\"><figcaption>Confusion matrix"
        + "<small>Test split: rows are the actual class, columns the prediction; shading and percentages are shares of each actual class (recall on the diagonal).</small></figcaption>"
        + "<div class=\"legend\"><span class=\"key\"><i class=\"sw ramp\"></i>mistakes, 0 → 100 % of the row</span>"
        + "<span class=\"key\"><i class=\"sw ramp good\"></i>correct, 0 → 100 % of the row</span></div>"
        + s
        + "</figure>";
  }

  private static String shade(double share, boolean diagonal) {
    // white to blue off the diagonal, white to green on it: mistakes and hits read apart at a
    // glance
    int[] to = diagonal ? new int[] {21, 128, 61} : new int[] {29, 78, 216};
    int[] from = {248, 250, 252};
    double t = Math.sqrt(Math.max(0, Math.min(1, share)));
    return String.format(
        Locale.ROOT,
        "#%02x%02x%02x",
        (int) Math.round(from[0] + t * (to[0] - from[0])),
        (int) Math.round(from[1] + t * (to[1] - from[1])),
        (int) Math.round(from[2] + t * (to[2] - from[2])));
  }

  /**
   * Permutation importance, the top 20, as horizontal bars with ± std whiskers. Marks: one per bar.
   */
  static String importance(JsonNode rows, String metric, int top) {
    if (rows == null || !rows.isArray() || rows.isEmpty()) {
      return null;
    }
    int n = Math.min(top, rows.size());
    double lo = 0;
    double hi = 0;
    for (int i = 0; i < n; i++) {
      double d = rows.get(i).path("drop").asDouble(0);
      double sd = rows.get(i).path("std").asDouble(0);
      lo = Math.min(lo, d - sd);
      hi = Math.max(hi, d + sd);
    }
    if (hi == lo) {
      hi = lo + 1e-3;
    }
    Map<Double, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      labels.put(i + 0.5, rows.get(i).path("column").asText());
    }
    Plot p =
        new Plot("importance", 1080, 60 + 26 * n, 220)
            .yCategories(0, n, labels)
            .x(
                lo,
                hi * 1.08,
                "drop in " + MetricsView.label(metric) + " when the column is shuffled");
    for (int i = 0; i < n; i++) {
      JsonNode r = rows.get(i);
      double d = r.path("drop").asDouble(0);
      double sd = r.path("std").asDouble(0);
      String col = r.path("column").asText();
      p.bar(
          0,
          d,
          i + 0.18,
          i + 0.82,
          d >= 0 ? Plot.BLUE : Plot.GREY,
          col + ": " + Fmt.num(d) + " ± " + Fmt.num(sd));
      if (sd > 0) {
        p.whisker(d - sd, d + sd, i + 0.5, "#0f172a");
      }
      p.label(Math.max(d, d + sd), i + 0.5, Fmt.num(d), "start", 6, 4, "#334155");
    }
    p.legend("box", Plot.BLUE, "mean drop");
    p.legend("whisker", "#0f172a", "± 1 standard deviation");
    return p.figure(
        "Permutation importance"
            + (rows.size() > n ? " (top " + n + " of " + rows.size() + " columns)" : ""),
        "Longer bars: the network relies more on that column. A bar near 0 (or below) means the column could be dropped.");
  }

  /** Quarantined rows per reason. Marks: one per reason with rows. */
  static String quarantine(Map<String, Long> byReason) {
    Map<Double, String> labels = new LinkedHashMap<>();
    List<Map.Entry<String, Long>> entries =
        byReason.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .toList();
    if (entries.isEmpty()) {
      return null;
    }
    long max = entries.get(0).getValue();
    for (int i = 0; i < entries.size(); i++) {
      labels.put(i + 0.5, entries.get(i).getKey());
    }
    Plot p =
        new Plot("quarantine", 540, 60 + 30 * entries.size(), 170)
            .yCategories(0, entries.size(), labels)
            .x(0, max * 1.12, "rows quarantined");
    for (int i = 0; i < entries.size(); i++) {
      long c = entries.get(i).getValue();
      p.bar(
          0,
          c,
          i + 0.2,
          i + 0.8,
          Plot.ORANGE,
          entries.get(i).getKey() + ": " + Fmt.count(c) + " rows");
      p.label(c, i + 0.5, Fmt.count(c), "start", 6, 4, "#334155");
    }
    return p.figure(
        "Quarantined rows by reason",
        "Rows set aside by the ETL, with the reason code the quarantine table stores.");
  }

  private static List<double[]> pairs(JsonNode arr) {
    List<double[]> out = new ArrayList<>();
    if (arr == null || !arr.isArray()) {
      return out;
    }
    for (JsonNode p : arr) {
      if (p.isArray() && p.size() >= 2 && p.get(0).isNumber() && p.get(1).isNumber()) {
        double a = p.get(0).asDouble();
        double b = p.get(1).asDouble();
        if (Double.isFinite(a) && Double.isFinite(b)) {
          out.add(new double[] {a, b});
        }
      }
    }
    return out;
  }

  private static double min(List<double[]> pts, int i) {
    return pts.stream().mapToDouble(q -> q[i]).min().orElse(0);
  }

  private static double max(List<double[]> pts, int i) {
    return pts.stream().mapToDouble(q -> q[i]).max().orElse(1);
  }
}
