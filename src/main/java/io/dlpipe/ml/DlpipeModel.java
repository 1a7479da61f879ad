package io.dlpipe.ml;

import io.dlpipe.ConfigException;
import io.dlpipe.DataException;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.etl.FittedTransform;
import io.dlpipe.eval.BundleScorer;
import io.dlpipe.eval.ModelBundle;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.spark.Columns;
import io.dlpipe.workspace.ModelLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained dlpipe network as a Spark ML {@code Model}: {@link #transform} appends {@code
 * prediction} (in the target's units, or the class label), {@code probability_<class>} per class,
 * {@code model_id} and the error column to any frame holding the training columns, on the executors
 * and lazily (it works on streaming frames too). It runs the scoring code of {@code jobs/dlpipe
 * predict}, {@link BundleScorer}: schema drift, validation, the privacy hashing of what the model
 * reads, the fitted transform, the network and the decoding. Unlike predict, a row that cannot be
 * transformed is kept (a Transformer must not drop rows), with null predictions and its reason in
 * {@link #errorCol()}; and the caller's columns pass through as they are (predict hashes its {@code
 * privacy.hash-columns} in the files it writes; here the caller holds its own data, and only the
 * copies the model reads are hashed).
 *
 * <p>{@link #load} reads what {@link #write()} saved and also a {@code model/} folder written by
 * {@code jobs/dlpipe train}, so a model trained by a scheduled CLI job can be used in a Pipeline.
 */
public final class DlpipeModel extends Model<DlpipeModel> implements DlpipeParams, MLWritable {
  private static final long serialVersionUID = 1L;

  /**
   * Bundle files beside the network and the transform that travel with a saved model when present.
   */
  private static final List<String> EXTRA_FILES =
      List.of(ModelLayout.PROVENANCE, ModelLayout.HISTORY);

  private final String uid;
  private final transient ModelBundle bundle;
  private final transient Map<String, String> extraFiles;
  private transient Broadcast<byte[]> network;
  private transient String networkApp;

  /** Not a Param: params are saved in metadata/, and the salt must never be written. */
  private transient String piiSalt;

  private final DlpipeParams.Declared declared;

  DlpipeModel(String uid, ModelBundle bundle, Map<String, String> extraFiles) {
    this.uid = uid;
    this.bundle = bundle;
    this.extraFiles = Map.copyOf(extraFiles);
    declared = new DlpipeParams.Declared(this, DlpipeParams.SHARED);
    declared.defaults().forEach(this::setDefault);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public <P extends Param<?>> P param(ParamSpec spec) {
    return declared.get(spec);
  }

  public DlpipeModel setScoringBatchSize(int value) {
    set(scoringBatchSize(), value);
    return this;
  }

  public DlpipeModel setErrorCol(String value) {
    set(errorCol(), value);
    return this;
  }

  /**
   * The salt of {@code privacy.hash-columns} for a model trained with hashed columns, when the
   * driver's environment has no {@value PrivacyConfig#SALT_ENV} (a notebook, a secret from a
   * vault). Kept in memory only: never saved with the model, never shown in a plan.
   */
  public DlpipeModel setPiiSalt(String salt) {
    this.piiSalt = salt;
    return this;
  }

  /**
   * The id written with every prediction: a digest of the network's configuration and parameters.
   */
  public String modelId() {
    return bundle.modelId();
  }

  /** {@code regression} or {@code classification}. */
  public String task() {
    return io.dlpipe.config.EnumNames.kebab(bundle.transform().task());
  }

  /**
   * Classification: the class labels in index order (the suffixes of the probability columns);
   * empty for regression.
   */
  public List<String> classes() {
    return bundle.head().classes();
  }

  /** The transform the network was trained on: roles, fitted statistics, vocabularies. */
  public FittedTransform fittedTransform() {
    return bundle.transform();
  }

  ModelBundle bundle() {
    return bundle;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    features(schema);
    for (StructField f : schema.fields()) {
      if (f.name().startsWith(Columns.INTERNAL_PREFIX)) {
        throw new IllegalArgumentException(
            "Input column "
                + f.name()
                + " uses the prefix "
                + Columns.INTERNAL_PREFIX
                + " that dlpipe reserves; rename it");
      }
    }
    StructType out = schema;
    for (StructField f : outputFields()) {
      if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
        throw new IllegalArgumentException("Output column " + f.name() + " already exists.");
      }
      out = out.add(f);
    }
    return out;
  }

  /** The training columns the input must carry, checked by predict's schema-drift rules. */
  private void features(StructType schema) {
    try {
      BundleScorer.checkSchema(schema, bundle.transform(), "frame");
    } catch (DataException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private List<StructField> outputFields() {
    List<StructField> out = new ArrayList<>(new BundleScorer(bundle, null).predictionFields());
    if (!getErrorCol().isEmpty()) {
      out.add(DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
    }
    return out;
  }

  /**
   * The privacy settings the model was trained with: the columns it read as salted hashes are
   * hashed the same way here, with {@link #setPiiSalt the salt given} or the driver's {@value
   * PrivacyConfig#SALT_ENV}. Without the salt, or with another, the model would see values it never
   * saw: refused.
   */
  PrivacyConfig privacy() {
    try {
      return bundle.trainedPrivacy(
          piiSalt != null ? piiSalt : System.getenv(PrivacyConfig.SALT_ENV));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          e.getMessage() + (piiSalt == null ? " (or pass it to DlpipeModel.setPiiSalt)" : ""), e);
    }
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    // The scoring code of jobs/dlpipe predict; rows it rejects are kept with their reason.
    BundleScorer scorer = new BundleScorer(bundle, privacy());
    Dataset<Row> scored =
        scorer.score(
            scorer.validate(dataset.toDF(), "frame"),
            network(dataset.sparkSession()),
            getScoringBatchSize());
    List<Column> out = new ArrayList<>();
    for (String name : dataset.schema().fieldNames()) {
      out.add(Columns.col(name));
    }
    for (StructField f : scorer.predictionFields()) {
      out.add(Columns.col(f.name()));
    }
    if (!getErrorCol().isEmpty()) {
      out.add(
          functions
              .concat(
                  functions.col(Columns.REASON), functions.lit(": "), functions.col(Columns.DETAIL))
              .as(getErrorCol()));
    }
    return scored.select(out.toArray(new Column[0]));
  }

  /**
   * The network broadcast once per SparkContext and model, for every transform and streaming batch.
   */
  private synchronized Broadcast<byte[]> network(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    if (network == null || !sc.applicationId().equals(networkApp) || sc.isStopped()) {
      network = JavaSparkContext.fromSparkContext(sc).broadcast(bundle.network());
      networkApp = sc.applicationId();
    }
    return network;
  }

  @Override
  public DlpipeModel copy(ParamMap extra) {
    DlpipeModel copied = new DlpipeModel(uid, bundle, extraFiles);
    copied.piiSalt = piiSalt;
    copyValues(copied, extra);
    return copied.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /**
   * Reads a model saved by {@link #write()}, a {@code jobs/dlpipe train} model/ folder, or the
   * output.dir above it.
   */
  public static MLReader<DlpipeModel> read() {
    return new Reader();
  }

  /** {@code read().load(path)}. */
  public static DlpipeModel load(String path) {
    return read().load(path);
  }

  /**
   * A model over the bundle at {@code bundleDir}, with the bundle's extra files kept for saving.
   */
  static DlpipeModel open(String uid, Configuration hadoop, String bundleDir) {
    HadoopFiles files = new HadoopFiles(hadoop);
    ModelBundle bundle = ModelBundle.open(files, hadoop, ModelLayout.of(bundleDir), null);
    Map<String, String> extra = new LinkedHashMap<>();
    for (String name : EXTRA_FILES) {
      String p = HadoopFiles.join(bundleDir, name);
      if (files.exists(p)) {
        extra.put(name, files.readText(p));
      }
    }
    return new DlpipeModel(uid, bundle, extra);
  }

  /**
   * Spark ML's metadata (class, uid, params) in metadata/, the bundle in the layout train writes in
   * bundle/.
   */
  private static final class Writer extends MLWriter {
    private final DlpipeModel model;

    Writer(DlpipeModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
      Configuration hadoop = sc().hadoopConfiguration();
      HadoopFiles files = new HadoopFiles(hadoop);
      ModelLayout layout = ModelLayout.of(HadoopFiles.join(path, Bundles.BUNDLE));
      // The files as train wrote them, byte for byte: model_id is the SHA-256 of model.zip, and
      // model.json records the SHA-256 of transform.json; a re-serialized copy would fail both
      // checks.
      ModelLayout source = model.bundle.layout();
      Bundles.writeBytes(
          hadoop, layout.model(), io.dlpipe.io.ModelStore.readBytes(hadoop, source.model()));
      files.writeText(layout.transform(), files.readText(source.transform()));
      for (Map.Entry<String, String> e : model.extraFiles.entrySet()) {
        files.writeText(HadoopFiles.join(layout.root(), e.getKey()), e.getValue());
      }
      files.writeText(layout.success(), "");
    }
  }

  private static final class Reader extends MLReader<DlpipeModel> {
    @Override
    public DlpipeModel load(String path) {
      SparkContext sc = sparkSession().sparkContext();
      Configuration hadoop = sc.hadoopConfiguration();
      HadoopFiles files = new HadoopFiles(hadoop);
      String bundleDir = Bundles.resolve(files, path);
      if (!Bundles.isSparkMl(files, path)) {
        return open(Identifiable.randomUID("dlpipeModel"), hadoop, bundleDir);
      }
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader$.MODULE$.loadMetadata(path, sc, DlpipeModel.class.getName());
      DlpipeModel model = open(metadata.uid(), hadoop, bundleDir);
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
