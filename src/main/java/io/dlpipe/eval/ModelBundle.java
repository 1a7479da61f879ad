package io.dlpipe.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.ConfigException;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Privacy;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.OutputHead;
import io.dlpipe.head.OutputHeads;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.io.ModelStore;
import io.dlpipe.net.Network;
import io.dlpipe.train.ModelProvenance;
import io.dlpipe.workspace.ModelLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * A trained model as evaluate and predict use it: the network, the transform it was trained with
 * (the copy inside model/, so re-running etl later cannot change what the model means), its output
 * head (from model.json: target transform, class weights, threshold), and a stable id.
 *
 * @param layout where the bundle lives
 * @param transform the transform the model was trained on
 * @param head how outputs become predictions
 * @param network the network's bytes ({@link Network#bytes}, without updater state), ready to
 *     broadcast
 * @param modelId the model_id of model.json: SHA-256 of model.zip as written, with every prediction
 * @param provenance model.json
 */
public record ModelBundle(
    ModelLayout layout,
    FittedTransform transform,
    OutputHead head,
    byte[] network,
    String modelId,
    ModelProvenance provenance) {

  /**
   * Opens {@code <output.dir>/model/}, refusing an unfinished, tampered or foreign bundle with exit
   * code 3 before anything uses it: model.json must be a dlpipe provenance of a known format
   * version; transform.json must be of a known format version, carry the fingerprint of its own
   * columns and be the exact text the model was trained with; model.zip must be a DL4J network (its
   * expected entries present) whose SHA-256 is the model_id recorded in model.json.
   */
  public static ModelBundle open(HadoopFiles files, Configuration hadoop, DlpipeConfig cfg) {
    return open(files, hadoop, new ModelLayout(cfg.output().dir()), cfg.privacy());
  }

  /**
   * Opens a model folder wherever it is (a workspace's model/, or a copy), with the same checks.
   * {@code privacy} is the caller's privacy settings, checked against the model's; null for callers
   * that score frames whose columns were already dropped or hashed upstream (the Spark ML API).
   */
  public static ModelBundle open(
      HadoopFiles files, Configuration hadoop, ModelLayout layout, PrivacyConfig privacy) {
    if (!files.exists(layout.success())) {
      throw new DataException(
          "No finished model in "
              + layout.root()
              + ": "
              + ModelLayout.SUCCESS
              + " is missing (train never ran there, failed, or is still running); run `dlpipe train` with this config first");
    }
    JsonNode provenance = provenance(files.readText(layout.provenance()), layout.provenance());
    int version = provenance.get("format_version").asInt();

    if (privacy != null) {
      checkPrivacy(provenance, privacy, layout.provenance());
    }

    String transformText = files.readText(layout.transform());
    FittedTransform transform = FittedTransform.fromJson(transformText, layout.transform());
    if (!FittedTransform.fingerprint(transform.columns()).equals(transform.inputFingerprint())) {
      throw tampered(layout.transform(), "its columns do not match its input_fingerprint");
    }
    if (!Digests.sha256(transformText).equals(provenance.path("transform_sha256").asText())) {
      throw tampered(
          layout.transform(),
          "it is not the transform.json the model was trained with (its SHA-256 differs from transform_sha256 in "
              + ModelLayout.PROVENANCE
              + ")");
    }
    if (!transform.inputFingerprint().equals(provenance.path("transform_fingerprint").asText())) {
      throw tampered(
          layout.transform(),
          "its input_fingerprint differs from transform_fingerprint in " + ModelLayout.PROVENANCE);
    }

    byte[] zip = ModelStore.readBytes(hadoop, layout.model());
    String digest = Digests.sha256(zip);
    if (version >= 2 && !digest.equals(provenance.path("model_id").asText())) {
      throw tampered(
          layout.model(),
          "its SHA-256 "
              + digest
              + " is not the model_id "
              + provenance.path("model_id").asText()
              + " recorded in "
              + ModelLayout.PROVENANCE);
    }
    Network net = Network.open(zip, layout.model());
    byte[] bytes = net.bytes(false);
    ModelProvenance typed = typed(provenance, layout.provenance());
    // A version-1 bundle recorded no id: the digest of the same bytes is the id it would have had.
    return new ModelBundle(
        layout, transform, head(transform, typed, net, layout.model()), bytes, digest, typed);
  }

  /** model.json of format 1 (before heads and model_id) or 2, checked and typed. */
  public static ModelProvenance readProvenance(String json, String where) {
    return typed(provenance(json, where), where);
  }

  private static ModelProvenance typed(JsonNode node, String where) {
    try {
      return Json.MAPPER.treeToValue(node, ModelProvenance.class);
    } catch (IOException e) {
      throw new DataException(
          "Model provenance " + where + " is not readable: " + e.getMessage() + "; retrain", e);
    }
  }

  /** model.json as a tree, checked to be a dlpipe provenance of a version this build reads. */
  static JsonNode provenance(String text, String where) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new DataException(
          "Model provenance " + where + " is not valid JSON: " + e.getMessage(), e);
    }
    int version = node == null ? -1 : node.path("format_version").asInt(-1);
    if (version < 1 || version > ModelProvenance.FORMAT_VERSION) {
      throw new DataException(
          "Model provenance "
              + where
              + " has format_version "
              + (node == null ? "none" : node.path("format_version").toString())
              + ", but this dlpipe reads versions 1 to "
              + ModelProvenance.FORMAT_VERSION
              + "; it is not a dlpipe model bundle, or one from a newer dlpipe");
    }
    List<String> required =
        new ArrayList<>(
            List.of("transform_sha256", "transform_fingerprint", "feature_count", "task"));
    if (version >= 2) {
      required.add(0, "model_id");
    }
    for (String field : required) {
      if (!node.hasNonNull(field)) {
        throw new DataException(
            "Model provenance "
                + where
                + " lacks "
                + field
                + "; it is not a complete dlpipe model bundle");
      }
    }
    return node;
  }

  /**
   * The model saw the columns that etl dropped or hashed with its salt: predicting with other
   * privacy rules, or another salt, would feed it values it never saw (exit code 2: a config or
   * environment mistake, not bad data).
   */
  static void checkPrivacy(JsonNode provenance, PrivacyConfig privacy, String where) {
    JsonNode trained = provenance.path("config").path("privacy");
    for (String key : List.of("drop-columns", "hash-columns")) {
      List<String> was = new ArrayList<>();
      trained.path(key).forEach(n -> was.add(n.asText()));
      List<String> now = key.equals("drop-columns") ? privacy.dropColumns() : privacy.hashColumns();
      if (!new TreeSet<>(was).equals(new TreeSet<>(now))) {
        throw new ConfigException(
            "Invalid configuration: privacy."
                + key
                + ": expected "
                + was
                + ", the list the model in "
                + where
                + " was trained with, found "
                + now);
      }
    }
    String check = provenance.path("salt_check").asText("");
    if (!check.isEmpty() && !check.equals(Privacy.saltCheck(privacy.salt()))) {
      throw new ConfigException(
          "Invalid configuration: "
              + PrivacyConfig.SALT_ENV
              + " is not the salt the model in "
              + where
              + " was trained with: every hashed value would differ; set the same salt as for etl");
    }
  }

  /**
   * The privacy settings this model was trained with (model.json's {@code config.privacy}) and
   * {@code salt}, for callers with no config of their own (the Spark ML API): the columns it hashed
   * must be hashed the same way before it reads them. A model that hashed columns needs the salt,
   * and a recorded salt check must match it; otherwise a {@link ConfigException} naming {@value
   * PrivacyConfig#SALT_ENV}, as predict gives (exit code 2).
   *
   * @param salt the salt to hash with; null or empty when none is at hand
   */
  public PrivacyConfig trainedPrivacy(String salt) {
    JsonNode trained =
        provenance.build().config() == null
            ? Json.MAPPER.createObjectNode()
            : provenance.build().config().path("privacy");
    List<String> drop = new ArrayList<>();
    List<String> hash = new ArrayList<>();
    trained.path("drop-columns").forEach(n -> drop.add(n.asText()));
    trained.path("hash-columns").forEach(n -> hash.add(n.asText()));
    String s = salt == null ? "" : salt;
    if (!hash.isEmpty()) {
      if (s.isEmpty()) {
        throw new ConfigException(
            "Invalid configuration: "
                + PrivacyConfig.SALT_ENV
                + ": expected the salt the model in "
                + layout.provenance()
                + " was trained with (it hashes privacy.hash-columns "
                + hash
                + "), found it unset");
      }
      String check = provenance.data().saltCheck();
      if (check != null && !check.isEmpty() && !check.equals(Privacy.saltCheck(s))) {
        throw new ConfigException(
            "Invalid configuration: "
                + PrivacyConfig.SALT_ENV
                + " is not the salt the model in "
                + layout.provenance()
                + " was trained with: every hashed value would differ; set the same salt as for etl");
      }
    }
    return new PrivacyConfig(drop, hash, hash.isEmpty() ? "" : s);
  }

  private static DataException tampered(String where, String why) {
    return new DataException(
        "Refusing "
            + where
            + ": "
            + why
            + ". It was modified after training, or it belongs to another model; retrain, or restore the bundle");
  }

  /**
   * The head of a trained model: model.json's, or for a format 1 bundle the one its transform and
   * output width imply.
   */
  static OutputHead head(
      FittedTransform transform, ModelProvenance provenance, Network net, String where) {
    if (net.inputWidth() != transform.featureCount()) {
      throw new DataException(
          "Model "
              + where
              + " takes "
              + net.inputWidth()
              + " features, but its transform yields "
              + transform.featureCount()
              + "; the model bundle is inconsistent, retrain");
    }
    HeadSpec spec = provenance.head();
    OutputHead head =
        spec == null
            ? OutputHeads.legacy(transform, net.outputWidth())
            : OutputHeads.fromSpec(spec, where);
    if (head.width() != net.outputWidth()) {
      throw new DataException(
          "Model "
              + where
              + " has "
              + net.outputWidth()
              + " outputs, but its head ("
              + head.output()
              + ") needs "
              + head.width()
              + "; the model bundle is inconsistent, retrain");
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
