package io.dlpipe.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.MainMetric;
import io.dlpipe.head.OutputLoss;
import java.util.List;
import java.util.Map;

/**
 * {@code model.json}: everything needed to know what a model bundle is and how it was made, in
 * the spirit of Tribuo's model provenance. Times and rates cover every epoch in the history, so a
 * resumed run reports the whole training, not just its last leg.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; 1 had no model_id and no head
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
 * @param labelMean regression with target-transform standardize: the mean the target was
 *     standardized with (prediction = output * std + mean); see {@code head} for the others
 * @param labelStd regression with target-transform standardize: the standard deviation
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
 * @param head the output head: target transform, class weights, decision threshold (format 2; a
 *     format 1 file has none and is read as regression standardized with labelMean and labelStd,
 *     or classification at threshold 0.5)
 * @param averagedEpochs the epochs whose parameters model.zip averages (train.average-epochs), best
 *     first; null when it holds the best epoch's own (bestValidation is then the average's)
 * @param targetChoice regression with train.target-transform = auto and more than one candidate:
 *     each candidate's validation R² after its short trial and the one chosen; null otherwise
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
    Task task,
    List<String> classes,
    int featureCount,
    OutputLoss output,
    Double labelMean,
    Double labelStd,
    long parameters,
    Map<String, Long> rows,
    int epochsRun,
    Integer resumedFromEpoch,
    int bestEpoch,
    boolean stoppedEarly,
    MainMetric mainMetric,
    EvalMetrics bestValidation,
    EvalMetrics lastValidation,
    Map<String, String> versions,
    String master,
    int executors,
    int workers,
    TrainConfig.Approach approach,
    double wallSeconds,
    double trainingSeconds,
    double samplesPerS,
    double executorSeconds,
    double conversionSeconds,
    String startedAt,
    String finishedAt,
    String saltCheck,
    HeadSpec head,
    List<Integer> averagedEpochs,
    TargetChoice targetChoice) {

  /** 2 added {@code model_id}, {@code head} and {@code salt_check}; 1 is still read. */
  public static final int FORMAT_VERSION = 2;

  public ModelProvenance {
    classes = classes == null ? List.of() : List.copyOf(classes);
  }
}
