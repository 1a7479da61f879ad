package io.dlpipe.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.io.ModelLayout;
import io.dlpipe.io.ModelStore;
import io.dlpipe.task.HeadSpec;
import io.dlpipe.task.OutputHead;
import io.dlpipe.task.OutputHeads;
import io.dlpipe.train.Evaluator;
import io.dlpipe.train.ModelProvenance;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained model as evaluate and predict use it: the network, the transform it was trained with
 * (the copy inside model/, so re-running etl later cannot change what the model means), its output
 * head (from model.json: target transform, class weights, threshold), and a stable id.
 *
 * @param layout where the bundle lives
 * @param transform the transform the model was trained on
 * @param head how outputs become predictions
 * @param network the network as ModelSerializer bytes, ready to broadcast
 * @param modelId {@code sha256:} of the network bytes' first 16 hex digits, written with every prediction
 * @param provenance model.json
 */
public record ModelBundle(ModelLayout layout, FittedTransform transform, OutputHead head, byte[] network, String modelId, ModelProvenance provenance) {

  /** Opens {@code <output.dir>/model/}, refusing an unfinished one. */
  public static ModelBundle open(HadoopFiles files, Configuration hadoop, DlpipeConfig cfg) {
    ModelLayout layout = new ModelLayout(cfg.output().dir());
    if (!files.exists(layout.success())) {
      throw new DataException("No finished model in " + layout.root() + ": " + ModelLayout.SUCCESS + " is missing (train never ran there, failed, or is still running); run `dlpipe train` with this config first");
    }
    FittedTransform transform = FittedTransform.fromJson(files.readText(layout.transform()), layout.transform());
    ModelProvenance provenance = readProvenance(files.readText(layout.provenance()), layout.provenance());
    MultiLayerNetwork net = ModelStore.read(hadoop, layout.model(), false);
    byte[] bytes = Evaluator.toBytes(net);
    return new ModelBundle(layout, transform, head(transform, provenance, net, layout.model()), bytes, Digests.sha256(bytes).substring(0, Digests.PREFIX.length() + 16), provenance);
  }

  /** model.json of format 1 (before heads) or 2. */
  public static ModelProvenance readProvenance(String json, String where) {
    try {
      JsonNode tree = Json.MAPPER.readTree(json);
      int version = tree.path("format_version").asInt(-1);
      if (version < 1 || version > ModelProvenance.FORMAT_VERSION) {
        throw new DataException("Model provenance " + where + " has format_version " + version + ", this dlpipe reads 1 to " + ModelProvenance.FORMAT_VERSION + "; retrain");
      }
      return Json.MAPPER.treeToValue(tree, ModelProvenance.class);
    } catch (IOException e) {
      throw new DataException("Model provenance " + where + " is not readable: " + e.getMessage() + "; retrain", e);
    }
  }

  /** The head of a trained model: model.json's, or for a format 1 bundle the one its transform and output width imply. */
  static OutputHead head(FittedTransform transform, ModelProvenance provenance, MultiLayerNetwork net, String where) {
    if (net.layerInputSize(0) != transform.featureCount()) {
      throw new DataException("Model " + where + " takes " + net.layerInputSize(0) + " features, but its transform yields " + transform.featureCount() + "; the model bundle is inconsistent, retrain");
    }
    HeadSpec spec = provenance.head();
    OutputHead head = spec == null ? OutputHeads.legacy(transform, net.layerSize(net.getnLayers() - 1)) : OutputHeads.fromSpec(spec, where);
    if (head.width() != net.layerSize(net.getnLayers() - 1)) {
      throw new DataException("Model " + where + " has " + net.layerSize(net.getnLayers() - 1) + " outputs, but its head (" + head.output() + ") needs " + head.width() + "; the model bundle is inconsistent, retrain");
    }
    return head;
  }

  /** The text form of a class index, or the number itself for regression. */
  public String label(double prediction) {
    return head.label(prediction);
  }

  @Override
  public String toString() {
    return "ModelBundle[" + layout.root() + ", " + modelId + ", " + transform.task() + "]";
  }
}
