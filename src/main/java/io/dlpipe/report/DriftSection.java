package io.dlpipe.report;

import static io.dlpipe.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The drift of one day (drift.json of {@code run --date}) as HTML: the verdict, the thresholds, and
 * one table row per column with its PSI, unseen share and the bins that moved most. Rendered as a
 * section of the evaluation report of a day that retrained, and as the day's drift.html.
 */
final class DriftSection {
  /** Bins listed per column: the ones whose share moved most. */
  static final int TOP_BINS = 3;

  private DriftSection() {}

  static String render(JsonNode drift) {
    StringBuilder out = new StringBuilder();
    out.append("<section id=\"drift\"><h2>Drift</h2><p class=\"lead\">")
        .append(
            esc(
                "The data of "
                    + drift.path("date").asText()
                    + " ("
                    + Fmt.count(drift.path("rows").asLong())
                    + " rows) against the training data of model "
                    + abbreviate(drift.path("model_id").asText())
                    + " ("
                    + Fmt.count(drift.path("train_rows").asLong())
                    + " train rows). PSI = Σ (day − train) · ln(day / train)"
                    + " over train quantile bins (numbers) or the vocabulary plus __other__ (categories); an empty bin counts as "
                    + drift.path("thresholds").path("epsilon").asDouble()
                    + "."))
        .append("</p>\n");
    boolean drifted = drift.path("drifted").asBoolean();
    out.append("<p class=\"verdict ")
        .append(drifted ? "warn" : "good")
        .append("\">")
        .append(esc(drift.path("verdict").asText()))
        .append(
            esc(
                " (thresholds: PSI > "
                    + drift.path("thresholds").path("psi").asDouble()
                    + ", unseen share > "
                    + drift.path("thresholds").path("unseen_share").asDouble()
                    + ")"))
        .append("</p>\n");
    out.append(
        "<table class=\"metrics\"><thead><tr><th>column</th><th>kind</th><th>PSI</th><th>unseen share</th><th>bins that moved most (train → day)</th></tr></thead><tbody>");
    double psiThreshold = drift.path("thresholds").path("psi").asDouble();
    double unseenThreshold = drift.path("thresholds").path("unseen_share").asDouble();
    for (JsonNode c : drift.path("columns")) {
      double psi = c.path("psi").asDouble();
      JsonNode unseen = c.path("unseen_share");
      boolean hot =
          psi > psiThreshold || (unseen.isNumber() && unseen.asDouble() > unseenThreshold);
      out.append("<tr")
          .append(hot ? " class=\"bad\"" : "")
          .append("><td>")
          .append(esc(c.path("column").asText()))
          .append("</td><td>")
          .append(esc(c.path("kind").asText()))
          .append("</td><td>")
          .append(esc(Fmt.num(psi)))
          .append("</td><td>")
          .append(unseen.isNumber() ? esc(Fmt.percent(unseen.asDouble())) : "")
          .append("</td><td>")
          .append(esc(movedMost(c.path("bins"))))
          .append("</td></tr>");
    }
    out.append("</tbody></table>\n</section>\n");
    return out.toString();
  }

  /** A whole page around the section, for the day's drift.html. */
  static String page(JsonNode drift) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>dlpipe drift — "
        + esc(drift.path("date").asText())
        + "</title>\n<style>"
        + Style.CSS
        + "</style>\n</head>\n<body>\n<header><div class=\"wrap\"><div class=\"brand\">dlpipe · drift report</div><h1>Drift on "
        + esc(drift.path("date").asText())
        + "</h1></div></header>\n<main class=\"wrap\">\n"
        + render(drift)
        + "</main>\n<footer class=\"wrap\">Written by dlpipe. Self-contained: no part of this page is loaded from the network.</footer>\n</body>\n</html>\n";
  }

  private static String movedMost(JsonNode bins) {
    java.util.List<JsonNode> list = new java.util.ArrayList<>();
    bins.forEach(list::add);
    list.sort(
        java.util.Comparator.comparingDouble(
            (JsonNode b) ->
                -Math.abs(b.path("day_share").asDouble() - b.path("train_share").asDouble())));
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(TOP_BINS, list.size()); i++) {
      JsonNode b = list.get(i);
      s.append(i == 0 ? "" : "; ")
          .append(b.path("bin").asText())
          .append(": ")
          .append(Fmt.percent(b.path("train_share").asDouble()))
          .append(" → ")
          .append(Fmt.percent(b.path("day_share").asDouble()));
    }
    return s.toString();
  }

  private static String abbreviate(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
