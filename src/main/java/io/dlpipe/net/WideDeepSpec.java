package io.dlpipe.net;

import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.OutputHead;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Wide and deep ({@code train.model.type = wide-deep}; Cheng et al., "Wide &amp; Deep Learning for
 * Recommender Systems", 2016): the MLP of {@link MlpSpec} plus a linear path from the raw features
 * straight to the output. The output layer reads the last hidden layer and the features side by
 * side, so its pre-activation is {@code MLP(x) + W x + b}: the linear (or logistic) model is inside
 * the family (hidden weights at zero), and the hidden layers only have to learn what it misses. On
 * small tabular data, where a plain MLP can lose to the linear baseline, that is the point.
 *
 * <p>Hidden layers, batch normalization, dropout (on the hidden path only, never the raw features),
 * penalties and updater are the MLP's, from the same {@code train.model} settings. With {@code
 * hidden-layers = []} it is the same linear model as the MLP.
 */
public final class WideDeepSpec implements NetworkSpec {
  static final String INPUT = "features";
  static final String WIDE_AND_DEEP = "wide-and-deep";
  static final String OUTPUT = "output";

  @Override
  public Network create(TrainConfig train, int featureCount, OutputHead head) {
    ComputationGraph net = new ComputationGraph(configuration(train, featureCount, head));
    net.init();
    return new GraphNet(net);
  }

  /** The graph: features → hidden layers → (with the features) → the head's output layer. */
  public ComputationGraphConfiguration configuration(
      TrainConfig train, int featureCount, OutputHead head) {
    TrainConfig.Model m = train.model();
    ComputationGraphConfiguration.GraphBuilder g =
        MlpSpec.base(train).graphBuilder().addInputs(INPUT);
    List<Layer> hidden = MlpSpec.hidden(m, featureCount);
    String last = INPUT;
    for (int i = 0; i < hidden.size(); i++) {
      String name = "hidden-" + i;
      g.addLayer(name, hidden.get(i), last);
      last = name;
    }
    int nIn = featureCount;
    if (!hidden.isEmpty()) {
      String deep = last;
      if (m.dropout() > 0) {
        // The MLP drops the last hidden layer's outputs at its output layer; here only they are
        // dropped, not the wide features.
        g.addLayer("hidden-dropout", new DropoutLayer.Builder(1.0 - m.dropout()).build(), deep);
        deep = "hidden-dropout";
      }
      g.addVertex(WIDE_AND_DEEP, new MergeVertex(), deep, INPUT);
      last = WIDE_AND_DEEP;
      nIn = MlpSpec.lastWidth(m) + featureCount;
    }
    g.addLayer(OUTPUT, MlpSpec.output(m, head, nIn, false).build(), last);
    g.setOutputs(OUTPUT);
    g.setInputTypes(InputType.feedForward(featureCount));
    return g.build();
  }
}
