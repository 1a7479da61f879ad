package io.dlpipe.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dlpipe.config.Task;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.head.EvalMetrics;
import io.dlpipe.head.HeadSpec;
import io.dlpipe.head.MainMetric;
import io.dlpipe.head.OutputLoss;
import io.dlpipe.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code model.json}: everything needed to know what a model bundle is and how it was made, in the
 * spirit of Tribuo's model provenance. It is five named parts, each filled by the phase of training
 * that knows it: {@link Build} (the code and configuration), {@link Data} (the prepared input),
 * {@link Decoding} (the head: how outputs become predictions), {@link Training} (the plan and the
 * epochs) and {@link Timing}. In the file the parts' fields lie side by side at the top level,
 * under the names model.json has always used, so a bundle of any earlier format still loads
 * (fixtures/format-1 and format-2) and nothing that reads model.json as JSON has to change. Times
 * and rates cover every epoch in the history, so a resumed run reports the whole training, not just
 * its last leg.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; 1 had no model_id and no head
 * @param build what made the bundle
 * @param data what it was trained on
 * @param decoding what its outputs mean
 * @param training how it was trained
 * @param timing how long that took
 */
@JsonSerialize(using = ModelProvenance.Writer.class)
@JsonDeserialize(using = ModelProvenance.Reader.class)
public record ModelProvenance(
    int formatVersion,
    Build build,
    Data data,
    Decoding decoding,
    Training training,
    Timing timing) {

  /** 2 added {@code model_id}, {@code head} and {@code salt_check}; 1 is still read. */
  public static final int FORMAT_VERSION = 2;

  /**
   * What made the bundle.
   *
   * @param modelId SHA-256 of model.zip's bytes as written: the same model always has the same id,
   *     and evaluate and predict refuse a model.zip that no longer matches it
   * @param dlpipeVersion the dlpipe build
   * @param gitCommit the commit of the working copy train ran from, when there is one
   * @param config the resolved configuration, secrets masked
   * @param versions Spark, Scala, DL4J and Java versions of the driver
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Build(
      String modelId,
      String dlpipeVersion,
      String gitCommit,
      JsonNode config,
      Map<String, String> versions) {}

  /**
   * What the model was trained on.
   *
   * @param transformFingerprint the input-schema fingerprint from transform.json
   * @param transformSha256 SHA-256 of transform.json's exact text
   * @param task regression or classification
   * @param classes classification: the class labels in index order
   * @param featureCount the width of the feature vector
   * @param rows rows of each prepared split
   * @param saltCheck with privacy.hash-columns: the hash of a fixed text under DLPIPE_PII_SALT, so
   *     that predict can tell a different salt (which would hash every value differently) without
   *     the salt being stored
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(
      String transformFingerprint,
      String transformSha256,
      Task task,
      List<String> classes,
      int featureCount,
      Map<String, Long> rows,
      String saltCheck) {
    public Data {
      classes = classes == null ? List.of() : List.copyOf(classes);
    }
  }

  /**
   * What the network's outputs mean: the head as training chose it.
   *
   * @param output the output layer: linear-mse, softmax-mcxent or sigmoid-xent
   * @param mainMetric r2, auc or accuracy
   * @param labelMean regression with target-transform standardize: the mean the target was
   *     standardized with (prediction = output * std + mean); see {@code head} for the others
   * @param labelStd regression with target-transform standardize: the standard deviation
   * @param head the output head: target transform, class weights, decision threshold (format 2; a
   *     format 1 file has none and is read as regression standardized with labelMean and labelStd,
   *     or classification at threshold 0.5)
   * @param targetChoice regression with train.target-transform = auto and more than one candidate:
   *     each candidate's validation R² after its short trial and the one chosen; null otherwise
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Decoding(
      OutputLoss output,
      MainMetric mainMetric,
      Double labelMean,
      Double labelStd,
      HeadSpec head,
      TargetChoice targetChoice) {

    /** The record of {@code spec}, whose flat fields repeat what a format 1 reader looked for. */
    static Decoding of(HeadSpec spec, MainMetric mainMetric, TargetChoice targetChoice) {
      boolean standardized = spec.targetTransform() == TrainConfig.TargetTransform.STANDARDIZE;
      return new Decoding(
          spec.output(),
          mainMetric,
          standardized ? spec.targetCenter() : null,
          standardized ? spec.targetScale() : null,
          spec,
          targetChoice);
    }
  }

  /**
   * How the model was trained.
   *
   * @param parameters trainable parameters of the network
   * @param epochsRun epochs completed in total
   * @param resumedFromEpoch the checkpoint this run resumed from, or null
   * @param bestEpoch the epoch whose network model.zip holds
   * @param stoppedEarly whether early stopping ended training
   * @param bestValidation validation metrics of the best epoch (the model in model.zip)
   * @param lastValidation validation metrics of the last epoch
   * @param averagedEpochs the epochs whose parameters model.zip averages (train.average-epochs),
   *     best first; null when it holds the best epoch's own (bestValidation is then the average's)
   * @param master the Spark master
   * @param executors executors registered at the end of training
   * @param workers parallel DL4J workers
   * @param approach the DL4J training approach used (export or direct)
   * @param plan the settings this run trained with, every automatic one resolved ({@link
   *     TrainPlan#recorded}); absent from bundles written before it was recorded
   * @param linearStart the trained network against its linear start on validation; null when it had
   *     none or the comparison is off
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Training(
      long parameters,
      int epochsRun,
      Integer resumedFromEpoch,
      int bestEpoch,
      boolean stoppedEarly,
      EvalMetrics bestValidation,
      EvalMetrics lastValidation,
      List<Integer> averagedEpochs,
      String master,
      int executors,
      int workers,
      TrainConfig.Approach approach,
      TrainPlan.Recorded plan,
      StartCheck linearStart) {}

  /**
   * The trained network against its linear start ({@code train.model.linear-start-margin}).
   *
   * @param kept what model.zip holds: {@code trained} or {@code start}
   * @param rows validation rows compared
   * @param startLoss the linear start's validation loss
   * @param trainedLoss the trained network's validation loss
   * @param difference the mean paired per-row difference, trained minus start
   * @param standardError the standard error of that difference
   * @param margin the standard errors the trained network had to win by
   */
  public record StartCheck(
      String kept,
      long rows,
      double startLoss,
      double trainedLoss,
      double difference,
      double standardError,
      double margin) {}

  /**
   * How long training took.
   *
   * @param wallSeconds wall-clock seconds of this run of train, start to finish
   * @param trainingSeconds wall-clock seconds of all epochs, fit and validation
   * @param samplesPerS training rows per second of fitting, over all epochs
   * @param executorSeconds task time of all epochs across all executors
   * @param conversionSeconds executor time spent turning Parquet rows into minibatches, all epochs
   * @param startedAt ISO-8601 UTC
   * @param finishedAt ISO-8601 UTC
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Timing(
      double wallSeconds,
      double trainingSeconds,
      double samplesPerS,
      double executorSeconds,
      double conversionSeconds,
      String startedAt,
      String finishedAt) {}

  // The questions every reader of a bundle asks, of either format.

  /** Regression or classification. */
  public Task task() {
    return data.task();
  }

  /** The width of the feature vector. */
  public int featureCount() {
    return data.featureCount();
  }

  /** The output layer and loss. */
  public OutputLoss output() {
    return decoding.output();
  }

  /** The task's main metric. */
  public MainMetric mainMetric() {
    return decoding.mainMetric();
  }

  /** Format 1's regression decoding: the standardized target's mean (null otherwise). */
  public Double labelMean() {
    return decoding.labelMean();
  }

  /** The output head; null in a format 1 bundle. */
  public HeadSpec head() {
    return decoding.head();
  }

  /** The epoch whose network model.zip holds. */
  public int bestEpoch() {
    return training.bestEpoch();
  }

  /** The DL4J training approach used. */
  public TrainConfig.Approach approach() {
    return training.approach();
  }

  private static final String FORMAT_FIELD = "format_version";

  /** A part's type and where a provenance holds it. */
  private record Part(Class<?> type, Function<ModelProvenance, Object> of) {}

  /** The parts in the order their fields are written, which is also the constructor's. */
  private static final List<Part> PARTS =
      List.of(
          new Part(Build.class, ModelProvenance::build),
          new Part(Data.class, ModelProvenance::data),
          new Part(Decoding.class, ModelProvenance::decoding),
          new Part(Training.class, ModelProvenance::training),
          new Part(Timing.class, ModelProvenance::timing));

  /** The parts' fields side by side, after {@code format_version}. */
  static final class Writer extends JsonSerializer<ModelProvenance> {
    @Override
    public void serialize(ModelProvenance p, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      ObjectMapper mapper = Json.MAPPER;
      ObjectNode flat = mapper.createObjectNode();
      flat.put(FORMAT_FIELD, p.formatVersion);
      for (Part part : PARTS) {
        flat.setAll((ObjectNode) mapper.valueToTree(part.of().apply(p)));
      }
      gen.writeTree(flat);
    }
  }

  /**
   * Each part reads its own fields of the flat object; a field no part knows is refused, as before.
   */
  static final class Reader extends JsonDeserializer<ModelProvenance> {
    @Override
    public ModelProvenance deserialize(JsonParser parser, DeserializationContext ctxt)
        throws IOException {
      ObjectMapper mapper = Json.MAPPER;
      ObjectNode flat = mapper.readTree(parser);
      Set<String> known = new LinkedHashSet<>(List.of(FORMAT_FIELD));
      List<Object> parts = new ArrayList<>();
      for (Part part : PARTS) {
        ObjectNode own = mapper.createObjectNode();
        for (BeanPropertyDefinition d :
            ctxt.getConfig().introspect(ctxt.constructType(part.type())).findProperties()) {
          known.add(d.getName());
          if (flat.has(d.getName())) {
            own.set(d.getName(), flat.get(d.getName()));
          }
        }
        parts.add(mapper.treeToValue(own, part.type()));
      }
      for (java.util.Iterator<String> names = flat.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!known.contains(name)) {
          throw UnrecognizedPropertyException.from(
              parser, ModelProvenance.class, name, new ArrayList<>(known));
        }
      }
      return new ModelProvenance(
          flat.path(FORMAT_FIELD).asInt(),
          (Build) parts.get(0),
          (Data) parts.get(1),
          (Decoding) parts.get(2),
          (Training) parts.get(3),
          (Timing) parts.get(4));
    }
  }
}
