package io.dlpipe.spark;

import io.dlpipe.config.SparkSettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession a dlpipe command uses, with the settings every job relies on. */
public final class SparkSessions {
  /**
   * Spark's CSV reader parses only the columns a query needs; a record is then malformed only when
   * those columns are, so a row with too few or too many fields passes whenever a column is dropped
   * (privacy.drop-columns) or a model reads fewer columns than the file has. dlpipe checks the
   * field count of every raw record, so the reader must tokenize all of them.
   */
  public static final String CSV_COLUMN_PRUNING = "spark.sql.csv.parser.columnPruning.enabled";

  /** Used when neither --master, the config, nor spark-submit names a master. */
  public static final String DEFAULT_MASTER = "local[*]";

  private SparkSessions() {}

  /**
   * The master to use: {@code --master} wins, then {@code spark.master} in the config, then the one
   * spark-submit put into the {@code spark.master} system property, then {@link #DEFAULT_MASTER}.
   */
  public static String resolveMaster(String cliMaster, SparkSettings settings) {
    if (cliMaster != null) {
      return requireMasterUrl(cliMaster.trim(), "--master");
    }
    if (!settings.master().isBlank()) {
      return requireMasterUrl(settings.master().trim(), "spark.master");
    }
    String submitted = System.getProperty("spark.master");
    return submitted == null || submitted.isBlank() ? DEFAULT_MASTER : submitted;
  }

  /**
   * The master URLs Spark 3.5 accepts (its own check fails only when the context starts, with a
   * stack trace).
   */
  private static final java.util.regex.Pattern MASTER_URL =
      java.util.regex.Pattern.compile(
          "local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?\\])?|local-cluster\\[[1-9][0-9]*, *[1-9][0-9]*, *[1-9][0-9]*\\]|yarn"
              + "|(spark|k8s|mesos)://\\S+");

  private static String requireMasterUrl(String master, String source) {
    if (!MASTER_URL.matcher(master).matches()) {
      throw new io.dlpipe.ConfigException(
          "Invalid Spark master ("
              + source
              + "): expected local, local[N], local[*], local-cluster[N,CORES,MB], "
              + "spark://HOST:PORT, yarn, k8s://URL or mesos://URL, found '"
              + master
              + "'");
    }
    return master;
  }

  /**
   * The Spark settings dlpipe needs, before the user's own {@code spark.conf} entries are applied.
   */
  public static SparkConf baseConf(String master, SparkSettings settings) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName(settings.appName());
    // ND4J arrays cross the wire in training; Java serialization of them is slow and huge.
    conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    // ETL parses with cast(): under ANSI mode a bad cell would fail the job instead of being
    // quarantined.
    conf.set("spark.sql.ansi.enabled", "false");
    // Timestamps in outputs and summaries must not depend on the machine's zone.
    conf.set("spark.sql.session.timeZone", "UTC");
    conf.set("spark.sql.adaptive.enabled", "true");
    conf.set(CSV_COLUMN_PRUNING, "false");
    // s3a:// output through an S3A committer (S3 has no rename; the magic committer needs no
    // cluster
    // file system): see docs/RELIABILITY.md, "Object stores". Other schemes keep
    // FileOutputCommitter.
    conf.set("spark.sql.sources.commitProtocolClass", "io.dlpipe.io.CloudCommitProtocol");
    conf.set(
        "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
        "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    conf.set("spark.hadoop.fs.s3a.committer.name", "magic");
    conf.set("spark.hadoop.fs.s3a.committer.magic.enabled", "true");
    // Spark's UI, event log and --verbose then hide the same credential keys dlpipe masks: the
    // command's masker (built-in patterns plus security.secret-keys), installed when its config
    // loaded.
    conf.set(
        "spark.redaction.regex", io.dlpipe.config.SecretMasker.current().sparkRedactionRegex());
    // ...and the query plans it prints (paths and options) without the passwords of URLs and
    // connection strings.
    conf.set(
        "spark.redaction.string.regex", io.dlpipe.config.SecretMasker.sparkStringRedactionRegex());
    if (master.startsWith("local")) {
      // On a laptop or CI box the host name may resolve to a non-loopback address.
      conf.set("spark.driver.host", "127.0.0.1");
      conf.set("spark.driver.bindAddress", "127.0.0.1");
    }
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    return conf;
  }

  /** Gets or creates the session (a running one, e.g. in tests or a notebook, is reused). */
  public static SparkSession getOrCreate(String master, SparkSettings settings) {
    return SparkSession.builder().config(baseConf(master, settings)).getOrCreate();
  }
}
