package io.dlpipe.ml;

import io.dlpipe.ConfigException;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.eval.ModelBundle;
import io.dlpipe.head.OutputHead;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * dlpipe models as SQL functions:
 *
 * <pre>{@code
 * DlpipeFunctions.register(spark, "dlpipe_predict", "hdfs:///models/houses/model");
 * spark.sql("SELECT id, dlpipe_predict(struct(*)) AS p FROM houses");
 * // p: struct<prediction: double (regression) | string (class label),
 * //           probabilities: map<string, double> (null for regression), model_id: string, error: string>
 * }</pre>
 *
 * The function takes a struct of (at least) the training columns, by name. A row that cannot be
 * scored (a cell that does not parse, a training column missing from the struct) gives a null
 * prediction and the reason in {@code error}: it never fails the query. Each executor JVM loads the
 * model once, from the path (which every executor must be able to read), and checks it is still the
 * model registered; the same validation, transform and decoding as {@code jobs/dlpipe predict}
 * apply, one row at a time. For throughput on big frames, {@link DlpipeModel#transform} scores
 * minibatches.
 */
public final class DlpipeFunctions {
  private DlpipeFunctions() {}

  /**
   * Registers {@code name} as a SQL function scoring with the model at {@code modelPath}: a folder
   * saved by {@link DlpipeModel#write()}, a {@code jobs/dlpipe train} model/ folder, or the
   * output.dir above it. The model is opened once here, to fix the result type and the model id. A
   * model trained with {@code privacy.hash-columns} hashes those cells with the salt in the
   * driver's {@value PrivacyConfig#SALT_ENV}.
   */
  public static void register(SparkSession spark, String name, String modelPath) {
    register(spark, name, modelPath, System.getenv(PrivacyConfig.SALT_ENV));
  }

  /**
   * As {@link #register(SparkSession, String, String)}, with the salt of {@code
   * privacy.hash-columns} given rather than read from {@value PrivacyConfig#SALT_ENV}. It travels
   * to the executors inside the function, never as a literal of the plan. A model that hashed
   * columns refuses a missing or different salt here, with an {@link IllegalArgumentException}.
   */
  public static void register(SparkSession spark, String name, String modelPath, String piiSalt) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String qualified = Bundles.qualify(hadoop, modelPath);
    String bundleDir = Bundles.resolve(new io.dlpipe.io.HadoopFiles(hadoop), qualified);
    ModelBundle bundle = Bundles.open(hadoop, qualified);
    PrivacyConfig privacy;
    try {
      privacy = bundle.trainedPrivacy(piiSalt);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    // Executors read the bundle with the driver's Hadoop settings (credentials, HDFS addresses).
    Broadcast<SerializableConfiguration> conf =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(new SerializableConfiguration(hadoop));
    spark
        .udf()
        .register(
            name,
            new PredictUdf(bundleDir, bundle.modelId(), conf, privacy.salt()),
            resultType(bundle.head()));
  }

  /** {@code struct<prediction, probabilities, model_id, error>} for the model's task. */
  public static StructType resultType(OutputHead codec) {
    return new StructType()
        .add(PredictUdf.PREDICTION, codec.predictionType(), true)
        .add(
            PredictUdf.PROBABILITIES,
            DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
            true)
        .add(PredictUdf.MODEL_ID, DataTypes.StringType, false)
        .add(PredictUdf.ERROR, DataTypes.StringType, true);
  }
}
