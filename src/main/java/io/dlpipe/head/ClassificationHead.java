package io.dlpipe.head;

import io.dlpipe.DataException;
import io.dlpipe.config.EvaluateConfig;
import io.dlpipe.config.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * What the binary and the multi-class head share: labels as class indices, weighted softmax,
 * per-class metrics.
 */
abstract class ClassificationHead implements OutputHead {
  /** Probabilities are clipped this far from 0 and 1 in the log loss, as DL4J's losses do. */
  static final double EPS = 1e-7;

  final List<String> classes;

  /** The loss weight of each class, in index order; all 1 when unweighted. */
  final double[] weights;

  ClassificationHead(List<String> classes, double[] weights) {
    if (classes.size() < 2) {
      throw new DataException(
          "A classifier needs at least 2 classes, found "
              + classes.size()
              + " "
              + classes
              + "; check target.column and rerun etl");
    }
    if (weights.length != classes.size()) {
      throw new IllegalArgumentException(
          weights.length + " class weights for " + classes.size() + " classes");
    }
    this.classes = List.copyOf(classes);
    this.weights = weights.clone();
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  int classIndex(double label) {
    if (label != Math.rint(label) || label < 0 || label >= classes.size()) {
      throw new DataException(
          "Prepared label "
              + label
              + " is not a class index in [0, "
              + (classes.size() - 1)
              + "] of transform.json; the prepared data and transform disagree, rerun etl");
    }
    return (int) label;
  }

  @Override
  public double labelWeight(double label) {
    return weights[classIndex(label)];
  }

  boolean weighted() {
    for (double w : weights) {
      if (w != 1.0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Softmax with multi-class cross-entropy, weighted per class when weights are set (DL4J's
   * weighted loss).
   */
  OutputLayer.Builder softmaxLayer() {
    OutputLayer.Builder b =
        weighted()
            ? new OutputLayer.Builder(new LossMCXENT(Nd4j.create(weights)))
            : new OutputLayer.Builder(
                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT);
    return b.activation(Activation.SOFTMAX).nOut(classes.size());
  }

  /** Softmax outputs as probabilities. */
  static double[] copy(float[] out) {
    double[] p = new double[out.length];
    for (int k = 0; k < out.length; k++) {
      p[k] = out[k];
    }
    return p;
  }

  /** The most probable class; the lowest index among ties. */
  static int argmax(double[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }

  @Override
  public String label(double prediction) {
    return classes.get((int) prediction);
  }

  @Override
  public Task task() {
    return Task.CLASSIFICATION;
  }

  /**
   * The class index's label; null for an index that is no class (none is, from a network or MLlib).
   */
  @Override
  public Column decode(Column prediction) {
    Column label = functions.lit(null).cast(DataTypes.StringType);
    for (int i = classes.size() - 1; i >= 0; i--) {
      label = functions.when(prediction.equalTo((double) i), classes.get(i)).otherwise(label);
    }
    return label;
  }

  @Override
  public Object predictionValue(double prediction) {
    return label(prediction);
  }

  /**
   * Logistic regression; boosted trees for two classes only, as MLlib's GBTClassifier is binary
   * only.
   */
  @Override
  public Optional<Estimator<?>> baseline(EvaluateConfig.Rung rung) {
    return switch (rung) {
      case LINEAR -> Optional.of(new LogisticRegression());
      case GBT -> classes.size() == 2 ? Optional.of(new GBTClassifier()) : Optional.empty();
    };
  }

  @Override
  public HeadStats newStats() {
    return new HeadStats(classes.size(), this instanceof BinaryHead);
  }

  @Override
  public double rowLoss(double prediction, double[] p, double label) {
    return -Math.log(Math.min(1 - EPS, Math.max(EPS, p[classIndex(label)])));
  }

  /** Log loss and Brier score, shared; the subclass adds its confusion counts. */
  void addProbabilities(HeadStats s, double[] p, int label) {
    s.rows++;
    s.lossSum += rowLoss(label, p, label);
    double brier = 0;
    for (int k = 0; k < p.length; k++) {
      double d = p[k] - (k == label ? 1 : 0);
      brier += d * d;
    }
    // Binary Brier is the usual (p - y)^2 of the positive class: half the two-class sum.
    s.brierSum += p.length == 2 ? brier / 2 : brier;
  }

  /**
   * Precision, recall and F1 per class from a confusion matrix (rows: label, columns: predicted),
   * plus macro averages.
   */
  void perClass(Map<String, Double> m, long[][] confusion, String suffix) {
    int k = classes.size();
    double sumP = 0;
    double sumR = 0;
    double sumF = 0;
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long predicted = 0;
      long actual = 0;
      for (int o = 0; o < k; o++) {
        predicted += confusion[o][c];
        actual += confusion[c][o];
      }
      double precision = predicted == 0 ? 0 : (double) tp / predicted;
      double recall = actual == 0 ? 0 : (double) tp / actual;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      m.put("precision" + suffix + "." + classes.get(c), precision);
      m.put("recall" + suffix + "." + classes.get(c), recall);
      m.put("f1" + suffix + "." + classes.get(c), f1);
      sumP += precision;
      sumR += recall;
      sumF += f1;
    }
    m.put("precision" + suffix + "_macro", sumP / k);
    m.put("recall" + suffix + "_macro", sumR / k);
    m.put("f1" + suffix + "_macro", sumF / k);
  }

  Map<String, Object> confusionCurve(long[][] confusion) {
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("classes", classes);
    cm.put("matrix", confusion);
    return cm;
  }

  Map<String, Double> weightMap() {
    Map<String, Double> w = new LinkedHashMap<>();
    for (int k = 0; k < classes.size(); k++) {
      w.put(classes.get(k), weights[k]);
    }
    return w;
  }
}
