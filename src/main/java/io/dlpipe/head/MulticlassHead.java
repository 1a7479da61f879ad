package io.dlpipe.head;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.OutputLayer;

/** Three or more classes: softmax, the most probable class predicted. */
public final class MulticlassHead extends ClassificationHead {
  public MulticlassHead(List<String> classes, double[] weights) {
    super(classes, weights);
  }

  @Override
  public int width() {
    return classes.size();
  }

  @Override
  public OutputLoss output() {
    return OutputLoss.SOFTMAX_MCXENT;
  }

  @Override
  public void encode(double label, float[] out, int offset) {
    java.util.Arrays.fill(out, offset, offset + classes.size(), 0f);
    out[offset + classIndex(label)] = 1f;
  }

  @Override
  public OutputLayer.Builder outputLayer() {
    return softmaxLayer();
  }

  @Override
  public double prediction(float[] out) {
    return argmax(copy(out));
  }

  @Override
  public double[] probabilities(float[] out) {
    return copy(out);
  }

  @Override
  public void add(HeadStats s, double prediction, double[] p, double label) {
    int y = classIndex(label);
    addProbabilities(s, p, y);
    s.confusion[y][argmax(p)]++;
  }

  private long correct(HeadStats s) {
    long c = 0;
    for (int k = 0; k < classes.size(); k++) {
      c += s.confusion[k][k];
    }
    return c;
  }

  @Override
  public Map<String, Double> metrics(HeadStats s) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", (double) correct(s) / s.rows);
    m.put("log_loss", s.lossSum / s.rows);
    m.put("brier", s.brierSum / s.rows);
    perClass(m, s.confusion, "");
    return m;
  }

  @Override
  public Map<String, Object> curves(HeadStats s) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("confusion", confusionCurve(s.confusion));
    return c;
  }

  @Override
  public EvalMetrics summary(HeadStats s) {
    if (s.rows == 0) {
      return new EvalMetrics(0, Double.NaN, null, null, null, Double.NaN, null);
    }
    return new EvalMetrics(
        s.rows, s.lossSum / s.rows, null, null, null, (double) correct(s) / s.rows, null);
  }

  @Override
  public HeadSpec spec() {
    return HeadSpec.builder(HeadSpec.MULTICLASS, OutputLoss.SOFTMAX_MCXENT)
        .classes(classes)
        .classWeights(weightMap())
        .build();
  }
}
