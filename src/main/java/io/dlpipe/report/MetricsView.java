package io.dlpipe.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.io.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A read view of {@code metrics.json}: flat {@code model.<metric>} and {@code baseline.<metric>}
 * numbers plus the task, the main metric and the verdict. It knows, for each metric, which
 * direction is better, which the comparison table needs to highlight the winner.
 */
final class MetricsView {
  /** The order metrics appear in the comparison table; others follow alphabetically. */
  private static final List<String> ORDER =
      List.of(
          "r2",
          "rmse",
          "mae",
          "mse",
          "auc",
          "pr_auc",
          "ks",
          "accuracy",
          "f1",
          "precision",
          "recall",
          "log_loss",
          "precision_macro",
          "recall_macro",
          "f1_macro");

  private static final Set<String> LOWER_IS_BETTER =
      Set.of("mse", "rmse", "mae", "log_loss", "loss", "brier", "training_seconds");
  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("r2", "R²"),
          Map.entry("rmse", "RMSE"),
          Map.entry("mae", "MAE"),
          Map.entry("mse", "MSE"),
          Map.entry("auc", "ROC AUC"),
          Map.entry("pr_auc", "PR AUC"),
          Map.entry("ks", "KS statistic"),
          Map.entry("accuracy", "Accuracy"),
          Map.entry("log_loss", "Log loss"),
          Map.entry("precision_macro", "Precision (macro)"),
          Map.entry("recall_macro", "Recall (macro)"),
          Map.entry("f1_macro", "F1 (macro)"),
          Map.entry("loss", "Loss"),
          Map.entry("brier", "Brier score"),
          Map.entry("threshold", "Decision threshold"),
          Map.entry("training_seconds", "Training seconds"),
          Map.entry("accuracy_at_0_5", "Accuracy at 0.5"),
          Map.entry("precision", "Precision (positive class)"),
          Map.entry("recall", "Recall (positive class)"),
          Map.entry("f1", "F1 (positive class)"));

  final JsonNode root;
  final String task;
  final String mainMetric;

  private MetricsView(JsonNode root) {
    this.root = root;
    this.task = root.path("task").asText("");
    if (!task.equals("regression") && !task.equals("classification")) {
      throw new IllegalArgumentException(
          "metrics.json: task must be regression or classification but was '"
              + root.path("task").asText("(missing)")
              + "'");
    }
    String main = root.path("main_metric").asText("");
    this.mainMetric = main.isEmpty() ? (regression() ? "r2" : "accuracy") : main;
  }

  static MetricsView parse(String json) {
    if (json == null) {
      throw new IllegalArgumentException("metrics.json is required: the report is built around it");
    }
    JsonNode root = tree(json, "metrics.json");
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "metrics.json must be a JSON object but was "
              + root.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return new MetricsView(root);
  }

  /** Parses one input file, naming it in the error. */
  static JsonNode tree(String json, String file) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException(file + " is empty: expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  boolean regression() {
    return task.equals("regression");
  }

  OptionalDouble model(String metric) {
    return number(root.get("model." + metric));
  }

  /** A metric of a named ladder rung ({@code gbt.<metric>}). */
  OptionalDouble rung(String rung, String metric) {
    return number(root.get(rung + "." + metric));
  }

  OptionalDouble baseline(String metric) {
    return number(root.get("baseline." + metric));
  }

  static OptionalDouble number(JsonNode n) {
    return n != null && n.isNumber() ? OptionalDouble.of(n.asDouble()) : OptionalDouble.empty();
  }

  String text(String key) {
    JsonNode n = root.get(key);
    return n == null || n.isNull() ? null : n.asText();
  }

  /** Whole-model metrics both the network and the baseline report, main metric first. */
  List<String> shared() {
    Set<String> names = new LinkedHashSet<>();
    Iterator<String> keys = root.fieldNames();
    List<String> found = new ArrayList<>();
    while (keys.hasNext()) {
      String k = keys.next();
      if (k.startsWith("model.")
          && k.indexOf('.', 6) < 0
          && model(k.substring(6)).isPresent()
          && baseline(k.substring(6)).isPresent()) {
        found.add(k.substring(6));
      }
    }
    if (found.contains(mainMetric)) {
      names.add(mainMetric);
    }
    for (String m : ORDER) {
      if (found.contains(m)) {
        names.add(m);
      }
    }
    found.stream().sorted().forEach(names::add);
    return List.copyOf(names);
  }

  /** The class labels with per-class metrics, in file order. */
  List<String> classes() {
    Set<String> out = new LinkedHashSet<>();
    Iterator<String> keys = root.fieldNames();
    while (keys.hasNext()) {
      String k = keys.next();
      for (String p : List.of("model.precision.", "model.recall.", "model.f1.")) {
        if (k.startsWith(p)) {
          out.add(k.substring(p.length()));
        }
      }
    }
    return List.copyOf(out);
  }

  /** Whether the network's main metric beats the baseline's; null when either is missing. */
  Boolean networkWins() {
    OptionalDouble m = model(mainMetric);
    OptionalDouble b = baseline(mainMetric);
    if (m.isEmpty() || b.isEmpty()) {
      return null;
    }
    return better(mainMetric, m.getAsDouble(), b.getAsDouble()) > 0;
  }

  /** Whether metrics.json names a best rung that scores above the network on the main metric. */
  boolean lostToRung() {
    String rung = text("best_rung");
    if (rung == null) {
      return false;
    }
    OptionalDouble r = rung.equals("linear") ? baseline(mainMetric) : rung(rung, mainMetric);
    OptionalDouble n = model(mainMetric);
    return r.isPresent()
        && n.isPresent()
        && better(mainMetric, r.getAsDouble(), n.getAsDouble()) > 0;
  }

  /** Positive when a is better than b for this metric, negative when worse, 0 when equal. */
  static int better(String metric, double a, double b) {
    int c = Double.compare(a, b);
    return LOWER_IS_BETTER.contains(metric) ? -c : c;
  }

  static boolean lowerIsBetter(String metric) {
    return LOWER_IS_BETTER.contains(metric);
  }

  static String label(String metric) {
    return LABELS.getOrDefault(metric, metric.replace('_', ' '));
  }
}
