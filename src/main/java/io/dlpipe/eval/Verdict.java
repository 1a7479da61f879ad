package io.dlpipe.eval;

import io.dlpipe.head.MainMetric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What evaluate tells the user about the network against the ladder of baselines, on the test
 * split's main metric: the verdict sentence, the best rung, and the findings no run should pass in
 * silence. A network that loses to a rung says so in the first words, with the rung's figure: a
 * user who reads one line must not walk away with a model a linear fit beats.
 */
public final class Verdict {
  /** A binary main metric (ROC AUC) below this on test ranks the rows worse than a coin. */
  static final double CHANCE_AUC = 0.5;

  /**
   * Differences smaller than this are ties: the verdict shows four decimals, and a network kept as
   * its linear start ({@code train.model.linear-start-margin}) equals the linear rung up to float32
   * rounding (doctorvisits: R² 0.197566 against 0.197585), which no reader should be told is a
   * loss.
   */
  static final double TIE = 5e-5;

  private Verdict() {}

  /**
   * One fitted rung of the ladder.
   *
   * @param name the rung's name (linear, gbt)
   * @param main its main metric on test
   * @param seconds its training seconds
   */
  public record Rung(String name, double main, double seconds) {}

  /**
   * A finding: something about the figures that is not normal and that the user must see.
   *
   * @param kind a stable, kebab-case name for machines
   * @param message one sentence for people
   */
  public record Finding(String kind, String message) {}

  /**
   * The sentence: when a rung scores above the network, it opens with that rung and its figure,
   * then how the network compares with each rung and at what cost in training time, e.g. "The
   * network loses to gbt: R² 0.1640 against the network's 0.0270. The network trails linear by ...
   * and trails gbt by ...".
   */
  public static String sentence(
      MainMetric main, double model, double modelSeconds, List<Rung> ladder) {
    if (ladder.isEmpty()) {
      return "No baseline was fitted (evaluate.baseline = false or evaluate.baselines = []).";
    }
    String name = name(main);
    List<String> parts = new ArrayList<>();
    for (Rung r : ladder) {
      double d = Math.abs(model - r.main()) < TIE ? 0 : model - r.main();
      String cost =
          r.seconds() > 0
              ? String.format(
                  Locale.ROOT, " (at %.1f× its training time)", modelSeconds / r.seconds())
              : "";
      parts.add(
          d > 0
              ? String.format(Locale.ROOT, "beats %s by +%.4f %s%s", r.name(), d, name, cost)
              : d == 0
                  ? String.format(Locale.ROOT, "ties %s on %s%s", r.name(), name, cost)
                  : String.format(Locale.ROOT, "trails %s by %.4f %s%s", r.name(), -d, name, cost));
    }
    String comparison = "The network " + String.join(" and ", parts) + ".";
    Rung best = bestRung(ladder);
    if (best == null || !(best.main() - model >= TIE)) {
      return comparison;
    }
    return String.format(
            Locale.ROOT,
            "The network loses to %s: %s %.4f against the network's %.4f. ",
            best.name(),
            name,
            best.main(),
            model)
        + comparison;
  }

  /**
   * The rung with the highest main metric (the first among equals); null when the ladder is empty
   * or has no finite figure.
   */
  public static Rung bestRung(List<Rung> ladder) {
    return ladder.stream()
        .filter(r -> Double.isFinite(r.main()))
        .max(Comparator.comparingDouble(Rung::main))
        .orElse(null);
  }

  /**
   * The findings: a binary main metric below 0.5 on test for the network or a rung (the model ranks
   * worse than a coin: the split or the labels need looking at), and a regression R² below 0 for
   * the network and every rung (no model beats predicting the test mean).
   */
  public static List<Finding> findings(MainMetric main, double model, List<Rung> ladder) {
    List<Finding> out = new ArrayList<>();
    if (main == MainMetric.AUC) {
      Map<String, Double> below = new LinkedHashMap<>();
      if (model < CHANCE_AUC) {
        below.put("the network", model);
      }
      ladder.stream()
          .filter(r -> r.main() < CHANCE_AUC)
          .forEach(r -> below.put(r.name(), r.main()));
      if (!below.isEmpty()) {
        List<String> each = new ArrayList<>();
        below.forEach((k, v) -> each.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
        out.add(
            new Finding(
                "auc-below-chance",
                "Test AUC below 0.5 ("
                    + String.join(", ", each)
                    + "): the model ranks the test rows worse than a coin "
                    + "would. Nothing about this is normal: check that the split does not depend on the label and that the labels mean what the target says."));
      }
    }
    if (main == MainMetric.R2 && model < 0 && ladder.stream().allMatch(r -> r.main() < 0)) {
      List<String> each = new ArrayList<>();
      each.add(String.format(Locale.ROOT, "the network %.4f", model));
      ladder.forEach(r -> each.add(String.format(Locale.ROOT, "%s %.4f", r.name(), r.main())));
      out.add(
          new Finding(
              "r2-below-zero",
              "Test R² below 0 for every model ("
                  + String.join(", ", each)
                  + "): none predicts the test split better than "
                  + "its own mean. Nothing about this is normal: check the split, the target column and whether the features say anything about it."));
    }
    return out;
  }

  private static String name(MainMetric main) {
    return switch (main) {
      case R2 -> "R²";
      case AUC -> "AUC";
      case ACCURACY -> "accuracy";
    };
  }
}
