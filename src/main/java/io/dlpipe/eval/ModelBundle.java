package io.dlpipe.eval;

import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.ModelLayout;
import io.dlpipe.io.ModelStore;
import io.dlpipe.train.Evaluator;
import io.dlpipe.train.LabelCodec;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained model as evaluate and predict use it: the network, the transform it was trained with
 * (the copy inside model/, so re-running etl later cannot change what the model means), how its
 * outputs decode, and a stable id.
 *
 * @param layout where the bundle lives
 * @param transform the transform the model was trained on
 * @param codec how outputs become predictions (derived from the network's output layer)
 * @param network the network as ModelSerializer bytes, ready to broadcast
 * @param modelId {@code sha256:} of the network bytes' first 16 hex digits, written with every prediction
 */
public record ModelBundle(ModelLayout layout, FittedTransform transform, LabelCodec codec, byte[] network, String modelId) {

  /** Opens {@code <output.dir>/model/}, refusing an unfinished one. */
  public static ModelBundle open(HadoopFiles files, Configuration hadoop, DlpipeConfig cfg) {
    return open(files, hadoop, new ModelLayout(cfg.output().dir()));
  }

  /** Opens a model folder wherever it is (a workspace's model/, or a copy), refusing an unfinished one. */
  public static ModelBundle open(HadoopFiles files, Configuration hadoop, ModelLayout layout) {
    if (!files.exists(layout.success())) {
      throw new DataException("No finished model in " + layout.root() + ": " + ModelLayout.SUCCESS + " is missing (train never ran there, failed, or is still running); run `dlpipe train` with this config first");
    }
    FittedTransform transform = FittedTransform.fromJson(files.readText(layout.transform()), layout.transform());
    MultiLayerNetwork net = ModelStore.read(hadoop, layout.model(), false);
    byte[] bytes = Evaluator.toBytes(net);
    return new ModelBundle(layout, transform, codec(transform, net, layout.model()), bytes, modelId(net));
  }

  /**
   * {@code sha256:} and 16 hex digits of the network's configuration and parameters. Not of the
   * serialized bytes: ModelSerializer's zip entries carry the time of writing, so the same network
   * serialized twice hashes differently, and a model saved and loaded again must keep its id.
   */
  public static String modelId(MultiLayerNetwork net) {
    byte[] conf = net.getLayerWiseConfigurations().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    float[] params = net.params().toFloatVector();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(conf.length + 4 * params.length);
    buf.put(conf);
    buf.asFloatBuffer().put(params);
    return Digests.sha256(buf.array()).substring(0, Digests.PREFIX.length() + 16);
  }

  /** The codec of a trained network: its output width tells a sigmoid from a softmax classifier. */
  static LabelCodec codec(FittedTransform transform, MultiLayerNetwork net, String where) {
    long outputs = net.layerSize(net.getnLayers() - 1);
    if (net.layerInputSize(0) != transform.featureCount()) {
      throw new DataException("Model " + where + " takes " + net.layerInputSize(0) + " features, but its transform yields " + transform.featureCount() + "; the model bundle is inconsistent, retrain");
    }
    if (transform.task().equals("regression")) {
      FittedTransform.LabelStats s = transform.labelStats();
      double std = s.std() > 0 && Double.isFinite(s.std()) ? s.std() : 1.0;
      return new LabelCodec(LabelCodec.Kind.REGRESSION, 1, s.mean(), std, java.util.List.of());
    }
    if (outputs == 1) {
      return new LabelCodec(LabelCodec.Kind.SIGMOID, 1, 0, 1, transform.classes());
    }
    return new LabelCodec(LabelCodec.Kind.SOFTMAX, (int) outputs, 0, 1, transform.classes());
  }

  /** The text form of a class index, or the number itself for regression. */
  public String label(double prediction) {
    return codec.kind() == LabelCodec.Kind.REGRESSION ? String.valueOf(prediction) : codec.classes().get((int) prediction);
  }

  @Override
  public String toString() {
    return "ModelBundle[" + layout.root() + ", " + modelId + ", " + transform.task() + "]";
  }
}
