package io.dlpipe.etl;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The per-row arithmetic of a {@link FittedTransform}, compiled into arrays and hash maps so that a
 * row costs O(columns), whatever the vocabulary sizes. Spark expressions for one-hot encoding grow
 * with columns times levels and exceed the JVM's 64 KB method limit on wide data (Ames: 300+
 * dimensions); a single function over a struct of raw cells does not. Cells are parsed by
 * {@link RawParsing}, the rules ETL validated with.
 */
final class FeatureEncoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] impute;
  private final double[] clipLower;
  private final double[] clipUpper;
  private final boolean[] log1p;
  private final double[] center;
  private final double[] scale;
  private final List<Map<String, Integer>> levelIndex;
  private final String[] missingAs;
  private final boolean[] oneHot;
  private final int[] vocabularySize;
  private final int width;

  private final RawParsing parsing;

  FeatureEncoder(List<FittedTransform.NumericFeature> numeric, List<FittedTransform.CategoricalFeature> categorical, RawParsing parsing) {
    this.parsing = parsing;
    int n = numeric.size();
    impute = new double[n];
    clipLower = new double[n];
    clipUpper = new double[n];
    log1p = new boolean[n];
    center = new double[n];
    scale = new double[n];
    for (int i = 0; i < n; i++) {
      FittedTransform.NumericFeature f = numeric.get(i);
      impute[i] = f.impute();
      clipLower[i] = f.clipLower() == null ? Double.NEGATIVE_INFINITY : f.clipLower();
      clipUpper[i] = f.clipUpper() == null ? Double.POSITIVE_INFINITY : f.clipUpper();
      log1p[i] = f.log1p();
      center[i] = f.center();
      scale[i] = f.scale();
    }
    int k = categorical.size();
    levelIndex = new java.util.ArrayList<>(k);
    missingAs = new String[k];
    oneHot = new boolean[k];
    vocabularySize = new int[k];
    int w = n;
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

  /** Imputed, clipped, logged and scaled value of numeric feature {@code i}. */
  double numeric(int i, Double parsed) {
    double x = parsed == null ? impute[i] : parsed;
    x = Math.min(Math.max(x, clipLower[i]), clipUpper[i]);
    if (log1p[i]) {
      // Non-negative on train by construction; a negative cell in new data is floored at 0.
      x = Math.log1p(Math.max(x, 0.0));
    }
    return (x - center[i]) / scale[i];
  }

  /** The level index of categorical feature {@code j}: its vocabulary position, or the "other" bucket. */
  int levelOf(int j, String parsed) {
    String level = parsed == null ? missingAs[j] : parsed;
    Integer idx = levelIndex.get(j).get(level);
    return idx == null ? vocabularySize[j] : idx;
  }

  /**
   * The feature vector of a row given as a struct of the raw numeric cells (in numeric-feature
   * order) followed by the raw categorical cells.
   */
  float[] encode(Row cells) {
    float[] out = new float[width];
    int n = impute.length;
    for (int i = 0; i < n; i++) {
      out[i] = (float) numeric(i, parsing.number(cells.getString(i)));
    }
    int pos = n;
    for (int j = 0; j < missingAs.length; j++) {
      int level = levelOf(j, parsing.text(cells.getString(n + j)));
      if (oneHot[j]) {
        out[pos + level] = 1f;
        pos += vocabularySize[j] + 1;
      } else {
        out[pos++] = level;
      }
    }
    return out;
  }

  /** The numeric part alone, in double precision, for fitting the scaling. */
  double[] encodeNumeric(Row cells) {
    double[] out = new double[impute.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = numeric(i, parsing.number(cells.getString(i)));
    }
    return out;
  }

  int width() {
    return width;
  }
}
