package io.dlpipe.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code model.json}: everything needed to know what a model bundle is and how it was made, in
 * the spirit of Tribuo's model provenance. Times and rates cover every epoch in the history, so a
 * resumed run reports the whole training, not just its last leg.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; 1 had no model_id
 * @param modelId SHA-256 of model.zip's bytes as written: the same model always has the same id, and
 *     evaluate and predict refuse a model.zip that no longer matches it
 * @param dlpipeVersion the dlpipe build
 * @param gitCommit the commit of the working copy train ran from, when there is one
 * @param config the resolved configuration, secrets masked
 * @param transformFingerprint the input-schema fingerprint from transform.json
 * @param transformSha256 SHA-256 of transform.json's exact text
 * @param task regression or classification
 * @param classes classification: the class labels in index order
 * @param featureCount the width of the feature vector
 * @param output the output layer: linear-mse, softmax-mcxent or sigmoid-xent
 * @param labelMean regression: the mean the target was standardized with (prediction = output * std + mean)
 * @param labelStd regression: the standard deviation the target was standardized with
 * @param parameters trainable parameters of the network
 * @param rows rows of each prepared split
 * @param epochsRun epochs completed in total
 * @param resumedFromEpoch the checkpoint this run resumed from, or null
 * @param bestEpoch the epoch whose network model.zip holds
 * @param stoppedEarly whether early stopping ended training
 * @param mainMetric r2, auc or accuracy
 * @param bestValidation validation metrics of the best epoch (the model in model.zip)
 * @param lastValidation validation metrics of the last epoch
 * @param versions Spark, Scala, DL4J and Java versions of the driver
 * @param master the Spark master
 * @param executors executors registered at the end of training
 * @param workers parallel DL4J workers
 * @param approach the DL4J training approach used (export or direct)
 * @param wallSeconds wall-clock seconds of this run of train, start to finish
 * @param trainingSeconds wall-clock seconds of all epochs, fit and validation
 * @param samplesPerS training rows per second of fitting, over all epochs
 * @param executorSeconds task time of all epochs across all executors
 * @param conversionSeconds executor time spent turning Parquet rows into minibatches, all epochs
 * @param startedAt ISO-8601 UTC
 * @param finishedAt ISO-8601 UTC
 * @param saltCheck with privacy.hash-columns: the hash of a fixed text under DLPIPE_PII_SALT, so that
 *     predict can tell a different salt (which would hash every value differently) without the salt
 *     being stored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelProvenance(
    int formatVersion,
    String modelId,
    String dlpipeVersion,
    String gitCommit,
    JsonNode config,
    String transformFingerprint,
    String transformSha256,
    String task,
    List<String> classes,
    int featureCount,
    String output,
    Double labelMean,
    Double labelStd,
    long parameters,
    Map<String, Long> rows,
    int epochsRun,
    Integer resumedFromEpoch,
    int bestEpoch,
    boolean stoppedEarly,
    String mainMetric,
    EvalMetrics bestValidation,
    EvalMetrics lastValidation,
    Map<String, String> versions,
    String master,
    int executors,
    int workers,
    String approach,
    double wallSeconds,
    double trainingSeconds,
    double samplesPerS,
    double executorSeconds,
    double conversionSeconds,
    String startedAt,
    String finishedAt,
    String saltCheck) {

  public static final int FORMAT_VERSION = 2;

  public ModelProvenance {
    classes = List.copyOf(classes);
  }
}
