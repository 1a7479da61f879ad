package io.dlpipe.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dlpipe.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Realistic report inputs from seeded generators, shaped like an Ames house-price regression and a
 * credit-scoring binary classification (the two datasets under ../shared/datasets). Each fixture
 * also knows how many marks each of its charts must draw, computed from the data it generated.
 */
final class ReportFixtures {
  private ReportFixtures() {}

  /** The five input texts and the expected marks per data-chart name. */
  record Inputs(
      String metrics,
      String curves,
      String history,
      String etlSummary,
      String model,
      Map<String, Integer> marks) {}

  static final List<String> AMES_COLUMNS =
      List.of(
          "Gr_Liv_Area",
          "Overall_Qual",
          "Year_Built",
          "Total_Bsmt_SF",
          "Garage_Cars",
          "Neighborhood",
          "First_Flr_SF",
          "Lot_Area",
          "Garage_Area",
          "Year_Remod_Add",
          "Full_Bath",
          "Kitchen_Qual",
          "Fireplaces",
          "Exter_Qual",
          "BsmtFin_SF_1",
          "Mas_Vnr_Area",
          "TotRms_AbvGrd",
          "Open_Porch_SF",
          "Wood_Deck_SF",
          "Lot_Frontage",
          "Bsmt_Qual",
          "Central_Air",
          "Sale_Condition",
          "Half_Bath",
          "Pool_Area");

  static final List<String> CREDIT_COLUMNS =
      List.of(
          "Seniority",
          "Income",
          "Amount",
          "Records",
          "Job",
          "Price",
          "Expenses",
          "Age",
          "Assets",
          "Home",
          "Time",
          "Debt",
          "Marital");

  static final int REGRESSION_POINTS = 300;
  static final int REGRESSION_EPOCHS = 12;
  static final int CLASSIFICATION_EPOCHS = 9;

  static Inputs regression() {
    Random rnd = new Random(20240611);
    ArrayNode pva = Json.MAPPER.createArrayNode();
    List<Double> residuals = new ArrayList<>();
    double sse = 0;
    double sae = 0;
    double sum = 0;
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < REGRESSION_POINTS; i++) {
      double actual = Math.round(Math.exp(12.0 + 0.38 * rnd.nextGaussian()) / 100) * 100.0;
      double predicted =
          Math.round(actual * (1 + 0.09 * rnd.nextGaussian()) + 2500 * rnd.nextGaussian());
      pts.add(new double[] {actual, predicted});
      pva.add(Json.MAPPER.createArrayNode().add(actual).add(predicted));
      residuals.add(actual - predicted);
      sse += (actual - predicted) * (actual - predicted);
      sae += Math.abs(actual - predicted);
      sum += actual;
    }
    double mean = sum / REGRESSION_POINTS;
    double sst = pts.stream().mapToDouble(p -> (p[0] - mean) * (p[0] - mean)).sum();
    double mse = sse / REGRESSION_POINTS;
    int bins = 30;
    double lo = residuals.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double hi = residuals.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    long[] counts = new long[bins];
    for (double r : residuals) {
      counts[Math.min(bins - 1, (int) ((r - lo) / (hi - lo) * bins))]++;
    }
    ObjectNode hist = Json.MAPPER.createObjectNode();
    ArrayNode edges = hist.putArray("edges");
    for (int i = 0; i <= bins; i++) {
      edges.add(round(lo + (hi - lo) * i / bins, 2));
    }
    ArrayNode cs = hist.putArray("counts");
    int nonEmpty = 0;
    for (long c : counts) {
      cs.add(c);
      nonEmpty += c > 0 ? 1 : 0;
    }
    ObjectNode curves = Json.MAPPER.createObjectNode();
    curves.set("predicted_vs_actual", pva);
    curves.set("residual_histogram", hist);

    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("task", "regression");
    m.put("main_metric", "r2");
    m.put("model.mse", round(mse, 1));
    m.put("model.rmse", round(Math.sqrt(mse), 2));
    m.put("model.mae", round(sae / REGRESSION_POINTS, 2));
    m.put("model.r2", round(1 - sse / sst, 4));
    m.put("baseline.mse", round(mse * 1.62, 1));
    m.put("baseline.rmse", round(Math.sqrt(mse * 1.62), 2));
    m.put("baseline.mae", round(sae / REGRESSION_POINTS * 1.31, 2));
    m.put("baseline.r2", round(1 - 1.62 * sse / sst, 4));
    m.put(
        "verdict",
        String.format(
            Locale.ROOT,
            "The network beats Spark MLlib LinearRegression on R² (%.3f vs %.3f) and cuts the RMSE by %.0f %%.",
            m.get("model.r2").asDouble(),
            m.get("baseline.r2").asDouble(),
            100 * (1 - 1 / Math.sqrt(1.62))));
    m.put("baseline_name", "Spark MLlib LinearRegression");
    ObjectNode counts2 = m.putObject("counts");
    counts2.put("test_rows", REGRESSION_POINTS);
    counts2.put("importance_rows", REGRESSION_POINTS);
    importance(m, AMES_COLUMNS, 0.21, rnd);
    ObjectNode cv = m.putObject("cv");
    cv.put("folds", 3);
    cv.putObject("model.r2").put("mean", 0.9031).put("std", 0.0112);
    cv.putObject("baseline.r2").put("mean", 0.8544).put("std", 0.0190);
    cv.putObject("model.rmse").put("mean", 24310.5).put("std", 1320.8);
    cv.putObject("baseline.rmse").put("mean", 30122.0).put("std", 2210.4);

    String history = history(REGRESSION_EPOCHS, "r2", 0.62, 0.905, rnd);
    String etl =
        etl(
            "/data/raw/ames.csv",
            2944,
            new long[] {2052, 440, 438},
            14,
            new String[][] {{"malformed_row", "5"}, {"unparseable_numeric", "9"}},
            301);
    String model =
        model(
            "regression",
            "Sale_Price",
            "/data/raw/ames.csv",
            List.of(),
            301,
            "linear-mse",
            8,
            REGRESSION_EPOCHS);
    Map<String, Integer> marks = new LinkedHashMap<>();
    marks.put("learning-loss", 2 * REGRESSION_EPOCHS);
    marks.put("learning-metric", REGRESSION_EPOCHS);
    marks.put("predicted-vs-actual", REGRESSION_POINTS);
    marks.put("residual-histogram", nonEmpty);
    marks.put("importance", 20);
    marks.put("quarantine", 2);
    return new Inputs(Json.write(m), Json.write(curves), history, etl, model, marks);
  }

  static Inputs binary() {
    Random rnd = new Random(77);
    int n = 668;
    double[] score = new double[n];
    double[] base = new double[n];
    boolean[] bad = new boolean[n];
    for (int i = 0; i < n; i++) {
      bad[i] = rnd.nextDouble() < 0.28;
      double z = (bad[i] ? 1.25 : 0) + rnd.nextGaussian();
      score[i] = 1 / (1 + Math.exp(-(1.6 * z - 2.2)));
      base[i] = 1 / (1 + Math.exp(-(1.1 * (z + 0.7 * rnd.nextGaussian()) - 1.6)));
    }
    int thresholds = 50;
    ArrayNode roc = curve(score, bad, thresholds, false);
    ArrayNode baseRoc = curve(base, bad, thresholds, false);
    ArrayNode pr = curve(score, bad, thresholds, true);
    long tn = 0;
    long fp = 0;
    long fn = 0;
    long tp = 0;
    for (int i = 0; i < n; i++) {
      boolean p = score[i] >= 0.5;
      if (bad[i]) {
        if (p) {
          tp++;
        } else {
          fn++;
        }
      } else if (p) {
        fp++;
      } else {
        tn++;
      }
    }
    ObjectNode curves = Json.MAPPER.createObjectNode();
    ObjectNode conf = curves.putObject("confusion");
    conf.putArray("classes").add("good").add("bad");
    ArrayNode mx = conf.putArray("matrix");
    mx.addArray().add(tn).add(fp);
    mx.addArray().add(fn).add(tp);
    ArrayNode cal = curves.putArray("calibration");
    int calBins = 0;
    for (int b = 0; b < 10; b++) {
      double s = 0;
      double o = 0;
      int c = 0;
      for (int i = 0; i < n; i++) {
        if (Math.min(9, (int) (score[i] * 10)) == b) {
          s += score[i];
          o += bad[i] ? 1 : 0;
          c++;
        }
      }
      if (c > 0) {
        cal.addObject()
            .put("predicted", round(s / c, 4))
            .put("observed", round(o / c, 4))
            .put("count", c);
        calBins++;
      }
    }
    curves.set("roc", roc);
    curves.set("pr", pr);
    curves.set("baseline_roc", baseRoc);

    double acc = (double) (tp + tn) / n;
    double precBad = tp / (double) Math.max(1, tp + fp);
    double recBad = tp / (double) Math.max(1, tp + fn);
    double precGood = tn / (double) Math.max(1, tn + fn);
    double recGood = tn / (double) Math.max(1, tn + fp);
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("task", "classification");
    m.put("main_metric", "auc");
    m.put("model.auc", round(auc(score, bad), 4));
    m.put("baseline.auc", round(auc(base, bad), 4));
    m.put("model.pr_auc", 0.6212);
    m.put("baseline.pr_auc", 0.5333);
    m.put("model.ks", 0.4731);
    m.put("baseline.ks", 0.3902);
    m.put("model.accuracy", round(acc, 4));
    m.put("baseline.accuracy", round(acc - 0.021, 4));
    m.put("model.log_loss", 0.4512);
    m.put("baseline.log_loss", 0.4987);
    m.put("model.precision_macro", round((precBad + precGood) / 2, 4));
    m.put("baseline.precision_macro", round((precBad + precGood) / 2 - 0.03, 4));
    m.put("model.recall_macro", round((recBad + recGood) / 2, 4));
    m.put("baseline.recall_macro", round((recBad + recGood) / 2 - 0.02, 4));
    m.put("model.f1_macro", 0.7034);
    m.put("baseline.f1_macro", 0.6688);
    m.put("model.precision.good", round(precGood, 4));
    m.put("model.recall.good", round(recGood, 4));
    m.put("model.f1.good", round(2 * precGood * recGood / (precGood + recGood), 4));
    m.put("model.precision.bad", round(precBad, 4));
    m.put("model.recall.bad", round(recBad, 4));
    m.put("model.f1.bad", round(2 * precBad * recBad / (precBad + recBad), 4));
    m.put(
        "verdict",
        String.format(
            Locale.ROOT,
            "The network beats Spark MLlib LogisticRegression on ROC AUC (%.3f vs %.3f).",
            m.get("model.auc").asDouble(),
            m.get("baseline.auc").asDouble()));
    m.put("baseline_name", "Spark MLlib LogisticRegression");
    ObjectNode counts = m.putObject("counts");
    counts.put("test_rows", n);
    counts.put("importance_rows", n);
    importance(m, CREDIT_COLUMNS, 0.09, rnd);
    m.putNull("cv");

    String history = history(CLASSIFICATION_EPOCHS, "auc", 0.71, 0.83, rnd);
    String etl =
        etl(
            "/data/raw/credit_data.csv",
            4461,
            new long[] {3118, 668, 668},
            7,
            new String[][] {
              {"missing_target", "1"},
              {"unparseable_numeric", "4"},
              {"malformed_row", "2"},
              {"bad_encoding", "0"}
            },
            23);
    String model =
        model(
            "classification",
            "Status",
            "/data/raw/credit_data.csv",
            List.of("good", "bad"),
            23,
            "sigmoid-xent",
            5,
            CLASSIFICATION_EPOCHS);
    Map<String, Integer> marks = new LinkedHashMap<>();
    marks.put("learning-loss", 2 * CLASSIFICATION_EPOCHS);
    marks.put("learning-metric", CLASSIFICATION_EPOCHS);
    marks.put("roc", roc.size() + baseRoc.size());
    marks.put("pr", pr.size());
    marks.put("calibration", calBins);
    marks.put("confusion", 4);
    marks.put("importance", CREDIT_COLUMNS.size());
    marks.put("quarantine", 3);
    return new Inputs(Json.write(m), Json.write(curves), history, etl, model, marks);
  }

  private static void importance(ObjectNode m, List<String> columns, double first, Random rnd) {
    ArrayNode imp = m.putArray("importance");
    double drop = first;
    for (String c : columns) {
      imp.addObject()
          .put("column", c)
          .put("drop", round(drop, 4))
          .put("std", round(drop * (0.08 + 0.1 * rnd.nextDouble()) + 0.0004, 4));
      drop = drop * (0.55 + 0.25 * rnd.nextDouble()) - (drop < 0.002 ? 0.0006 : 0);
    }
  }

  private static String history(int epochs, String metric, double first, double last, Random rnd) {
    StringBuilder csv =
        new StringBuilder("epoch,train_loss,val_loss,val_" + metric + ",samples_per_s,seconds\n");
    for (int e = 1; e <= epochs; e++) {
      double t = (e - 1.0) / (epochs - 1);
      double train = 0.12 + 0.7 * Math.exp(-3.2 * t) + 0.005 * rnd.nextGaussian();
      double val = 0.16 + 0.62 * Math.exp(-3.6 * t) + 0.03 * t * t + 0.006 * rnd.nextGaussian();
      double metricValue =
          first
              + (last - first) * (1 - Math.exp(-4 * t)) / (1 - Math.exp(-4))
              - (e == epochs ? 0.004 : 0);
      csv.append(
          String.format(
              Locale.ROOT,
              "%d,%.6g,%.6g,%.6g,%.1f,%.3f%n",
              e,
              train,
              val,
              metricValue,
              41000 + 3000 * rnd.nextGaussian(),
              6.5 + rnd.nextDouble()));
    }
    return csv.toString();
  }

  private static String etl(
      String path, long read, long[] written, long quarantined, String[][] reasons, int features) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("status", "succeeded");
    s.putNull("error");
    s.put("input_path", path);
    s.put("input_format", "csv");
    s.put("rows_read", read);
    s.put("rows_quarantined", quarantined);
    ObjectNode by = s.putObject("quarantined_by_reason");
    for (String[] r : reasons) {
      by.put(r[0], Long.parseLong(r[1]));
    }
    s.put("reject_ratio", (double) quarantined / read);
    s.put("max_reject_ratio", 0.05);
    s.put("duplicates_found", 3);
    s.put("duplicates_removed", 0);
    ObjectNode w = s.putObject("rows_written");
    w.put("test", written[2]);
    w.put("train", written[0]);
    w.put("validation", written[1]);
    s.put("feature_count", features);
    ObjectNode sec = s.putObject("seconds_per_stage");
    sec.put("read", 1.84);
    sec.put("infer", 0.92);
    sec.put("validate", 2.31);
    sec.put("quarantine", 0.48);
    sec.put("dedup", 1.12);
    sec.put("split", 0.77);
    sec.put("fit", 1.65);
    sec.put("write", 3.08);
    s.put("started_at", "2024-06-11T09:12:03.114Z");
    s.put("finished_at", "2024-06-11T09:12:15.307Z");
    return Json.write(s);
  }

  private static String model(
      String task,
      String target,
      String input,
      List<String> classes,
      int features,
      String output,
      int best,
      int epochs) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    p.put("format_version", 1);
    p.put("dlpipe_version", "0.1.0-SNAPSHOT");
    p.put("git_commit", "3f9c2d1e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d");
    ObjectNode cfg = p.putObject("config");
    cfg.putObject("input").put("path", input).put("format", "csv");
    ObjectNode tc = cfg.putObject("target").put("column", target).put("task", task);
    ArrayNode cl = tc.putArray("classes");
    classes.forEach(cl::add);
    ObjectNode tr = cfg.putObject("train");
    tr.put("epochs", epochs);
    tr.put("batch-size-per-worker", 256);
    tr.putArray("hidden").add(128).add(64);
    tr.putObject("updater").put("type", "adam").put("learning-rate", 0.001);
    cfg.putObject("spark").put("master", "spark://10.0.0.5:7077").put("executor-memory", "4g");
    p.put("transform_fingerprint", "c1a8e4f07b2d");
    p.put("transform_sha256", "9e107d9d372bb6826bd81d3542a419d6e277d4d731479571c5a1f7d3e6b0c2aa");
    p.put("task", task);
    ArrayNode pc = p.putArray("classes");
    classes.forEach(pc::add);
    p.put("feature_count", features);
    p.put("output", output);
    if (task.equals("regression")) {
      p.put("label_mean", 180796.06);
      p.put("label_std", 79886.69);
    }
    p.put("parameters", (long) features * 128 + 128 + 128 * 64 + 64 + 64 + 1);
    ObjectNode rows = p.putObject("rows");
    rows.put("test", 438).put("train", 2052).put("validation", 440);
    p.put("epochs_run", epochs);
    p.put("best_epoch", best);
    p.put("stopped_early", false);
    p.put("main_metric", task.equals("regression") ? "r2" : "auc");
    ObjectNode versions = p.putObject("versions");
    versions
        .put("dl4j", "1.0.0-M2.1")
        .put("java", "17.0.11")
        .put("scala", "2.12.18")
        .put("spark", "3.5.1");
    p.put("master", "spark://10.0.0.5:7077");
    p.put("executors", 2);
    p.put("workers", 4);
    p.put("approach", "export");
    p.put("wall_seconds", 131.7);
    p.put("training_seconds", 104.2);
    p.put("samples_per_s", 40512.3);
    p.put("executor_seconds", 388.1);
    p.put("conversion_seconds", 21.4);
    p.put("started_at", "2024-06-11T09:13:02.551Z");
    p.put("finished_at", "2024-06-11T09:15:14.250Z");
    return Json.write(p);
  }

  /**
   * ROC ([fpr, tpr]) or PR ([recall, precision]) points at evenly spaced thresholds, ends included.
   */
  private static ArrayNode curve(double[] score, boolean[] y, int thresholds, boolean pr) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    long pos = 0;
    for (boolean b : y) {
      pos += b ? 1 : 0;
    }
    long neg = y.length - pos;
    for (int k = 0; k <= thresholds; k++) {
      double t = 1 - (double) k / thresholds;
      long tp = 0;
      long fp = 0;
      for (int i = 0; i < y.length; i++) {
        if (score[i] >= t) {
          if (y[i]) {
            tp++;
          } else {
            fp++;
          }
        }
      }
      if (pr) {
        if (tp + fp > 0) {
          out.add(
              Json.MAPPER
                  .createArrayNode()
                  .add(round((double) tp / pos, 4))
                  .add(round((double) tp / (tp + fp), 4)));
        }
      } else {
        out.add(
            Json.MAPPER
                .createArrayNode()
                .add(round((double) fp / neg, 4))
                .add(round((double) tp / pos, 4)));
      }
    }
    return out;
  }

  private static double auc(double[] s, boolean[] y) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (y[i] && !y[j]) {
          pairs++;
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  private static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
