package io.dlpipe.etl;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The per-row arithmetic of a {@link FittedTransform}, compiled into arrays and hash maps so that a
 * row costs O(columns), whatever the vocabulary sizes. Spark expressions for one-hot encoding grow
 * with columns times levels and exceed the JVM's 64 KB method limit on wide data (Ames: 300+
 * dimensions); a single function over a struct of raw cells does not. Cells are parsed by {@link
 * RawParsing}, the rules ETL validated with.
 */
final class FeatureEncoder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int STANDARDIZE = 0;
  private static final int PIECEWISE_LINEAR = 1;
  private static final int PERIODIC = 2;
  private static final double TWO_PI = 2 * Math.PI;

  private final double[] impute;
  private final double[] clipLower;
  private final double[] clipUpper;
  private final boolean[] log1p;
  private final double[] center;
  private final double[] scale;
  private final int[] encoding;
  private final double[][] bins;
  private final double[][] frequencies;
  private final boolean[][] dateParts;
  private final double[] yearCenter;
  private final double[] yearScale;
  private final List<Map<String, Integer>> levelIndex;
  private final String[] missingAs;
  private final boolean[] oneHot;
  private final int[] vocabularySize;
  private final int width;

  private final RawParsing parsing;
  private final DateParsing dateParsing = new DateParsing();

  FeatureEncoder(
      List<FittedTransform.NumericFeature> numeric,
      List<FittedTransform.DateFeature> dates,
      List<FittedTransform.CategoricalFeature> categorical,
      RawParsing parsing) {
    this.parsing = parsing;
    int n = numeric.size();
    impute = new double[n];
    clipLower = new double[n];
    clipUpper = new double[n];
    log1p = new boolean[n];
    center = new double[n];
    scale = new double[n];
    encoding = new int[n];
    bins = new double[n][];
    frequencies = new double[n][];
    int w = 0;
    for (int i = 0; i < n; i++) {
      FittedTransform.NumericFeature f = numeric.get(i);
      impute[i] = f.impute();
      clipLower[i] = f.clipLower() == null ? Double.NEGATIVE_INFINITY : f.clipLower();
      clipUpper[i] = f.clipUpper() == null ? Double.POSITIVE_INFINITY : f.clipUpper();
      log1p[i] = f.log1p();
      center[i] = f.center();
      scale[i] = f.scale();
      encoding[i] =
          switch (f.encoding()) {
            case FittedTransform.NumericFeature.PIECEWISE_LINEAR -> PIECEWISE_LINEAR;
            case FittedTransform.NumericFeature.PERIODIC -> PERIODIC;
            default -> STANDARDIZE;
          };
      bins[i] =
          f.bins() == null ? null : f.bins().stream().mapToDouble(Double::doubleValue).toArray();
      frequencies[i] =
          f.frequencies() == null
              ? null
              : f.frequencies().stream().mapToDouble(Double::doubleValue).toArray();
      w += f.width();
    }
    int d = dates.size();
    dateParts = new boolean[d][];
    yearCenter = new double[d];
    yearScale = new double[d];
    for (int j = 0; j < d; j++) {
      FittedTransform.DateFeature f = dates.get(j);
      dateParts[j] = new boolean[FittedTransform.DateFeature.ALL_PARTS.size()];
      for (String p : f.parts()) {
        dateParts[j][FittedTransform.DateFeature.ALL_PARTS.indexOf(p)] = true;
      }
      yearCenter[j] = f.yearCenter();
      yearScale[j] = f.yearScale();
      w += f.dimensionNames().size();
    }
    int k = categorical.size();
    levelIndex = new java.util.ArrayList<>(k);
    missingAs = new String[k];
    oneHot = new boolean[k];
    vocabularySize = new int[k];
    for (int j = 0; j < k; j++) {
      FittedTransform.CategoricalFeature f = categorical.get(j);
      Map<String, Integer> index = new HashMap<>();
      for (int l = 0; l < f.levels().size(); l++) {
        index.put(f.levels().get(l), l);
      }
      levelIndex.add(index);
      missingAs[j] = f.missingAs();
      oneHot[j] = f.encoding() == io.dlpipe.config.EtlConfig.CategoricalEncoding.ONE_HOT;
      vocabularySize[j] = f.levels().size();
      w += f.width();
    }
    width = w;
  }

  /**
   * Imputed, clipped and logged value of numeric feature {@code i}: what scaling and bins are
   * fitted on.
   */
  double unscaled(int i, Double parsed) {
    double x = parsed == null ? impute[i] : parsed;
    x = Math.min(Math.max(x, clipLower[i]), clipUpper[i]);
    if (log1p[i]) {
      // Non-negative on train by construction; a negative cell in new data is floored at 0.
      x = Math.log1p(Math.max(x, 0.0));
    }
    return x;
  }

  /** Imputed, clipped, logged and scaled value of numeric feature {@code i}. */
  double numeric(int i, Double parsed) {
    return (unscaled(i, parsed) - center[i]) / scale[i];
  }

  /**
   * Writes numeric feature {@code i}'s dimensions at {@code out[pos..]}; returns the next position.
   */
  private int encodeNumeric(int i, Double parsed, float[] out, int pos) {
    switch (encoding[i]) {
      case PIECEWISE_LINEAR -> {
        double x = unscaled(i, parsed);
        double[] b = bins[i];
        int t = b.length - 1;
        for (int k = 1; k <= t; k++) {
          double e;
          if (x < b[k - 1] && k > 1) {
            e = 0;
          } else if (x >= b[k] && k < t) {
            e = 1;
          } else {
            e = (x - b[k - 1]) / (b[k] - b[k - 1]);
          }
          out[pos++] = (float) e;
        }
        return pos;
      }
      case PERIODIC -> {
        double z = numeric(i, parsed);
        out[pos++] = (float) z;
        for (double f : frequencies[i]) {
          double a = TWO_PI * f * z;
          out[pos++] = (float) Math.sin(a);
          out[pos++] = (float) Math.cos(a);
        }
        return pos;
      }
      default -> {
        out[pos++] = (float) numeric(i, parsed);
        return pos;
      }
    }
  }

  /** Writes date feature {@code j}'s dimensions; a missing or unparseable cell leaves them 0. */
  private int encodeDate(int j, String cell, float[] out, int pos) {
    LocalDateTime t = dateParsing.parse(parsing.text(cell));
    boolean[] parts = dateParts[j];
    if (parts[0]) {
      out[pos++] = t == null ? 0f : (float) ((t.getYear() - yearCenter[j]) / yearScale[j]);
    }
    if (parts[1]) {
      pos = cyclical(t == null ? Double.NaN : (t.getMonthValue() - 1) / 12.0, out, pos);
    }
    if (parts[2]) {
      pos = cyclical(t == null ? Double.NaN : (t.getDayOfWeek().getValue() - 1) / 7.0, out, pos);
    }
    if (parts[3]) {
      pos = cyclical(t == null ? Double.NaN : (t.getDayOfYear() - 1) / 365.25, out, pos);
    }
    if (parts[4]) {
      pos =
          cyclical(t == null ? Double.NaN : (t.getHour() + t.getMinute() / 60.0) / 24.0, out, pos);
    }
    return pos;
  }

  private static int cyclical(double turn, float[] out, int pos) {
    if (!Double.isNaN(turn)) {
      out[pos] = (float) Math.sin(TWO_PI * turn);
      out[pos + 1] = (float) Math.cos(TWO_PI * turn);
    }
    return pos + 2;
  }

  /**
   * The level index of categorical feature {@code j}: its vocabulary position, or the "other"
   * bucket.
   */
  int levelOf(int j, String parsed) {
    String level = parsed == null ? missingAs[j] : parsed;
    Integer idx = levelIndex.get(j).get(level);
    return idx == null ? vocabularySize[j] : idx;
  }

  /**
   * The feature vector of a row given as a struct of the raw numeric cells (in numeric-feature
   * order), then the raw date cells, then the raw categorical cells.
   */
  float[] encode(Row cells) {
    float[] out = new float[width];
    int n = impute.length;
    int d = yearCenter.length;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      pos = encodeNumeric(i, parsing.number(cells.getString(i)), out, pos);
    }
    for (int j = 0; j < d; j++) {
      pos = encodeDate(j, cells.getString(n + j), out, pos);
    }
    for (int j = 0; j < missingAs.length; j++) {
      int level = levelOf(j, parsing.text(cells.getString(n + d + j)));
      if (oneHot[j]) {
        out[pos + level] = 1f;
        pos += vocabularySize[j] + 1;
      } else {
        out[pos++] = level;
      }
    }
    return out;
  }

  int width() {
    return width;
  }
}
