package io.dlpipe.ml;

import io.dlpipe.DataException;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.etl.ColumnSpec;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.etl.Privacy;
import io.dlpipe.etl.RowValidator;
import io.dlpipe.eval.BundleScorer;
import io.dlpipe.eval.ModelBundle;
import io.dlpipe.eval.Scoring;
import io.dlpipe.head.OutputHead;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.net.BatchedOutput;
import io.dlpipe.net.Network;
import io.dlpipe.workspace.ModelLayout;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The function behind {@link DlpipeFunctions#register}: one row in, one result struct out. It
 * carries only the bundle's path and id; the model itself lives in a static cache, loaded once per
 * executor JVM and shared by its tasks, whatever the number of rows, tasks or queries.
 */
final class PredictUdf implements UDF1<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final String PREDICTION = "prediction";
  static final String PROBABILITIES = "probabilities";
  static final String MODEL_ID = "model_id";
  static final String ERROR = "error";

  /**
   * Loaded models by bundle path and model id. A load that failed is cached too: every row then
   * reports it.
   */
  private static final Map<String, Loaded> CACHE = new ConcurrentHashMap<>();

  /** Loads per cache key in this JVM; tests check that a query loads a model once. */
  private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

  private final String bundleDir;
  private final String modelId;
  private final Broadcast<SerializableConfiguration> hadoop;

  /**
   * The salt of privacy.hash-columns (checked on the driver at registration); empty when the model
   * hashed nothing.
   */
  private final String salt;

  PredictUdf(
      String bundleDir, String modelId, Broadcast<SerializableConfiguration> hadoop, String salt) {
    this.bundleDir = bundleDir;
    this.modelId = modelId;
    this.hadoop = hadoop;
    this.salt = salt;
  }

  /** How often this JVM loaded the model at {@code bundleDir} with {@code modelId}. */
  static int loads(String bundleDir, String modelId) {
    AtomicInteger n = LOADS.get(bundleDir + "#" + modelId);
    return n == null ? 0 : n.get();
  }

  @Override
  public Row call(Row input) {
    Loaded m = CACHE.computeIfAbsent(bundleDir + "#" + modelId, key -> load(key));
    if (m.error != null) {
      return RowFactory.create(null, null, modelId, m.error);
    }
    if (input == null) {
      return RowFactory.create(
          null,
          null,
          modelId,
          "no_input: the argument is null; call it as dlpipe_predict(struct(*))");
    }
    return m.score(input);
  }

  private Loaded load(String key) {
    LOADS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    try {
      Configuration conf = hadoop.value().value();
      ModelBundle bundle =
          ModelBundle.open(new HadoopFiles(conf), conf, ModelLayout.of(bundleDir), null);
      if (!bundle.modelId().equals(modelId)) {
        return new Loaded(
            "model_changed: the model at "
                + bundleDir
                + " is now "
                + bundle.modelId()
                + ", not "
                + modelId
                + " as when the function was registered; register it again");
      }
      return new Loaded(bundle, bundle.trainedPrivacy(salt));
    } catch (RuntimeException e) {
      return new Loaded("model_unreadable: " + e.getMessage());
    }
  }

  /** A model ready to score single rows: the network, and the transform's per-row functions. */
  private static final class Loaded {
    private final String error;
    private final ModelBundle bundle;
    private final Network net;
    private final UDF1<Row, Row> checker;
    private final UDF1<Row, float[]> encoder;
    private final List<String> encoderOrder;

    /**
     * The cells the model read as salted hashes, and the hash; as predict and the Spark ML model
     * hash them.
     */
    private final Set<String> hashed;

    private final UDF1<String, String> hasher;

    /**
     * The last argument schema and what checking it gave: one query passes one schema, so this is
     * checked once.
     */
    private volatile SchemaCheck lastCheck;

    Loaded(String error) {
      this.error = error;
      this.bundle = null;
      this.net = null;
      this.checker = null;
      this.encoder = null;
      this.encoderOrder = null;
      this.hashed = null;
      this.hasher = null;
    }

    Loaded(ModelBundle bundle, PrivacyConfig privacy) {
      this.error = null;
      this.bundle = bundle;
      this.net = Network.fromBytes(bundle.network(), false);
      FittedTransform t = bundle.transform();
      List<ColumnSpec> features = t.columns().stream().filter(ColumnSpec::isFeature).toList();
      this.checker = RowValidator.checker(features, t.task(), List.of(), false, t.nullValues());
      this.encoder = t.rowEncoder();
      List<String> order = new ArrayList<>();
      t.numeric().forEach(f -> order.add(f.name()));
      t.dates().forEach(f -> order.add(f.name()));
      t.categorical().forEach(f -> order.add(f.name()));
      this.encoderOrder = List.copyOf(order);
      this.hashed = Set.copyOf(privacy.hashColumns());
      this.hasher = Privacy.hasher(privacy.salt(), t.nullValues());
    }

    private record SchemaCheck(
        StructType schema, List<ColumnSpec> features, Map<String, Integer> index, String error) {}

    private SchemaCheck check(StructType schema) {
      SchemaCheck last = lastCheck;
      if (last != null && last.schema() == schema) {
        return last;
      }
      SchemaCheck c;
      try {
        List<ColumnSpec> features = BundleScorer.checkSchema(schema, bundle.transform(), "struct");
        Map<String, Integer> index = new HashMap<>();
        for (ColumnSpec f : features) {
          index.put(f.name(), schema.fieldIndex(f.name()));
        }
        c = new SchemaCheck(schema, features, index, null);
      } catch (DataException e) {
        c = new SchemaCheck(schema, List.of(), Map.of(), e.getMessage());
      }
      lastCheck = c;
      return c;
    }

    Row score(Row input) {
      String modelId = bundle.modelId();
      if (input.schema() == null) {
        return RowFactory.create(
            null, null, modelId, "no_schema: pass a struct with field names, e.g. struct(*)");
      }
      SchemaCheck schema = check(input.schema());
      if (schema.error() != null) {
        return RowFactory.create(null, null, modelId, schema.error());
      }
      try {
        Map<String, String> text = new HashMap<>();
        Object[] cells = new Object[schema.features().size() + 1];
        for (int i = 0; i < schema.features().size(); i++) {
          String name = schema.features().get(i).name();
          String cell = text(input.get(schema.index().get(name)));
          if (hashed.contains(name)) {
            cell = hasher.call(cell);
          }
          text.put(name, cell);
          cells[i] = cell;
        }
        Row verdict =
            checker.call(RowFactory.create(cells)); // the last cell, the corrupt record, stays null
        if (!verdict.isNullAt(0)) {
          return RowFactory.create(
              null, null, modelId, verdict.getString(0) + ": " + verdict.getString(1));
        }
        Object[] ordered = new Object[encoderOrder.size()];
        for (int i = 0; i < ordered.length; i++) {
          ordered[i] = text.get(encoderOrder.get(i));
        }
        float[] x = encoder.call(RowFactory.create(ordered));
        float[] out;
        // A network's forward pass is not safe for concurrent use; the tasks of one executor take
        // turns.
        synchronized (net) {
          out = BatchedOutput.outputs(net, new float[][] {x}, 1)[0];
        }
        OutputHead codec = bundle.head();
        double[] probs = codec.hasProbabilities() ? new double[codec.classes().size()] : null;
        Object prediction = codec.predictionValue(Scoring.decode(codec, out, probs));
        Map<String, Double> probabilities = null;
        if (probs != null) {
          probabilities = new LinkedHashMap<>();
          for (int k = 0; k < probs.length; k++) {
            probabilities.put(codec.classes().get(k), probs[k]);
          }
        }
        return RowFactory.create(prediction, probabilities, modelId, null);
      } catch (Exception e) {
        return RowFactory.create(null, null, modelId, "scoring_failed: " + e);
      }
    }

    /**
     * A cell as the text Spark's cast to string gives, which is what the CLI's reader hands over.
     */
    private static String text(Object v) {
      if (v == null || v instanceof String) {
        return (String) v;
      }
      if (v instanceof BigDecimal d) {
        return d.toPlainString();
      }
      return String.valueOf(v);
    }
  }
}
