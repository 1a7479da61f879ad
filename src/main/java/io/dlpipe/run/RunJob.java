package io.dlpipe.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigRenderOptions;
import io.dlpipe.Digests;
import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.Splitter;
import io.dlpipe.eval.EvaluateJob;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.train.TrainJob;
import io.dlpipe.workspace.EvaluationLayout;
import io.dlpipe.workspace.ModelLayout;
import io.dlpipe.workspace.PreparedLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dlpipe run}: etl, then train, then evaluate: the one command a scheduler calls. A stage is
 * skipped when its inputs are unchanged (etl: the content of the raw input, {@link
 * InputFingerprint}; train and evaluate: an upstream {@code _SUCCESS} older than its own) and its
 * part of the configuration is unchanged since it last ran; {@code --force} redoes everything.
 * Writes {@code <output.dir>/run-summary.json} at the end, also when a stage fails. With a run date
 * ({@code --date}) the run is one day of a schedule instead: see {@link ScheduledRun}.
 */
public final class RunJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

  /** The configuration fingerprint each stage last succeeded with. */
  public static final String STATE = "run-state.json";

  public static final String SUMMARY = "run-summary.json";

  /**
   * run-state.json: the digest of the input's content etl last succeeded on ({@link
   * InputFingerprint}).
   */
  static final String INPUT_DIGEST = "etl.input";

  /**
   * run-state.json: the local files' checksums by (length, mtime, ctime, inode), so an unchanged
   * file is not read again.
   */
  static final String INPUT_CHECKSUMS = "etl.input.local-checksums";

  private final SparkSession spark;
  private final DlpipeConfig cfg;
  private final HadoopFiles files;
  private final Configuration hadoop;

  public RunJob(SparkSession spark, DlpipeConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.files = new HadoopFiles(hadoop);
  }

  /** Runs the pipeline; returns the summary written to run-summary.json. */
  public Map<String, Object> run(boolean force) {
    if (cfg.schedule().runDate().isPresent()) {
      return new ScheduledRun(spark, cfg, this).run(force);
    }
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Map<String, String> state = readState();
    List<Map<String, Object>> stages = new ArrayList<>();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("started_at", started.toString());
    summary.put("force", force);
    summary.put("stages", stages);
    EvaluationLayout evaluation = new EvaluationLayout(cfg.output().dir());
    try {
      runStages(force, state, stages);
      summary.put("status", "succeeded");
      summary.put("exit_code", ExitCodes.OK);
      summary.put("metrics", keyMetrics(evaluation));
      return summary;
    } catch (RuntimeException e) {
      summary.put("status", "failed");
      summary.put("exit_code", e instanceof DlpipeException d ? d.exitCode() : ExitCodes.FAILURE);
      // The same values the command line scrubs: the configuration's and the Hadoop configuration's
      // secrets.
      summary.put(
          "error",
          cfg.masker()
              .withValuesOf(
                  HadoopFiles.explicitSettings(spark.sparkContext().hadoopConfiguration()))
              .scrub(String.valueOf(e.getMessage())));
      throw e;
    } finally {
      summary.put("finished_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
      files.writeText(HadoopFiles.join(cfg.output().dir(), SUMMARY), Json.write(summary));
    }
  }

  /**
   * The state of run-state.json, for a caller that runs the stages itself ({@link ScheduledRun}).
   */
  Map<String, String> state() {
    return readState();
  }

  /**
   * etl, train, evaluate, each run or skipped by {@link #decide}; appends one entry per stage to
   * {@code stages} and records each stage that ran in {@code state}.
   */
  void runStages(boolean force, Map<String, String> state, List<Map<String, Object>> stages) {
    PreparedLayout prepared = new PreparedLayout(cfg.output().preparedDir());
    ModelLayout model = new ModelLayout(cfg.output().dir());
    EvaluationLayout evaluation = new EvaluationLayout(cfg.output().dir());
    boolean upstreamRan = false;
    InputFingerprint.Result input = inputFingerprint(state);
    boolean recorded = input != null && state.containsKey(INPUT_DIGEST);
    // The recorded content decides; a workspace from before it was recorded falls back to file
    // times once.
    StageDecision etl =
        decide(
            "etl",
            force,
            false,
            prepared.success(),
            recorded ? Long.MIN_VALUE : newestInput(),
            state);
    if (!etl.run() && recorded && !input.digest().equals(state.get(INPUT_DIGEST))) {
      etl =
          new StageDecision(
              "etl",
              true,
              "its input changed since it last ran (the lengths or checksums of its files differ)");
    }
    etl = splitRuleChanged(etl, prepared);
    Map<String, String> before = new LinkedHashMap<>(state);
    if (input != null) {
      // Recorded with what etl reads now; written to run-state.json when etl succeeds, or below
      // when it is skipped.
      state.put(INPUT_DIGEST, input.digest());
      state.put(INPUT_CHECKSUMS, Json.write(input.localChecksums()));
    }
    upstreamRan |= execute(etl, stages, state, () -> new EtlJob(spark, cfg).run());
    if (!etl.run() && !state.equals(before)) {
      files.writeText(HadoopFiles.join(cfg.output().dir(), STATE), Json.write(state));
    }
    StageDecision train =
        decide("train", force, upstreamRan, model.success(), mtime(prepared.success()), state);
    // Resume from checkpoints only when they were made from the same prepared data and settings.
    boolean fresh =
        force
            || upstreamRan
            || (state.containsKey("train") && !fingerprint("train").equals(state.get("train")));
    upstreamRan |= execute(train, stages, state, () -> new TrainJob(spark, cfg).run(fresh));
    StageDecision evaluate =
        decide("evaluate", force, upstreamRan, evaluation.success(), mtime(model.success()), state);
    execute(evaluate, stages, state, () -> new EvaluateJob(spark, cfg).run());
  }

  /** Runs or skips one stage, recording it; returns whether it ran. */
  private boolean execute(
      StageDecision d, List<Map<String, Object>> stages, Map<String, String> state, Runnable body) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("stage", d.stage());
    entry.put("reason", d.reason());
    stages.add(entry);
    if (!d.run()) {
      LOG.info("run: skipping {} ({})", d.stage(), d.reason());
      entry.put("status", "skipped");
      entry.put("seconds", 0.0);
      return false;
    }
    LOG.info("run: {} ({})", d.stage(), d.reason());
    entry.put("status", "running");
    long start = System.nanoTime();
    try {
      body.run();
      entry.put("status", "ran");
    } catch (RuntimeException e) {
      entry.put("status", "failed");
      throw e;
    } finally {
      entry.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
    }
    state.put(d.stage(), fingerprint(d.stage()));
    files.writeText(HadoopFiles.join(cfg.output().dir(), STATE), Json.write(state));
    return true;
  }

  /**
   * An etl that would be skipped runs anyway when {@code prepared/} was split by another rule than
   * this build's: a model trained on the old splits and evaluated on new ones would mix two splits,
   * and the old rule (a hash of the whole row, the target included) made the test set depend on the
   * label.
   */
  StageDecision splitRuleChanged(StageDecision etl, PreparedLayout prepared) {
    if (etl.run() || !files.exists(prepared.transform())) {
      return etl;
    }
    String wanted = Splitter.rule(cfg.etl().split());
    String found;
    try {
      JsonNode rule =
          Json.MAPPER
              .readTree(files.readText(prepared.transform()))
              .path("split_rule")
              .path("rule");
      found = rule.isTextual() ? rule.asText() : null;
    } catch (IOException e) {
      return new StageDecision(
          "etl", true, prepared.transform() + " is unreadable (" + e.getMessage() + ")");
    }
    if (wanted.equals(found)) {
      return etl;
    }
    return new StageDecision(
        "etl",
        true,
        found == null
            ? prepared.root()
                + " was split by the old rule, a hash of the whole row with its target, which makes the test split depend on the label; re-preparing with split rule "
                + wanted
            : prepared.root()
                + " was split by rule "
                + found
                + "; re-preparing with split rule "
                + wanted);
  }

  StageDecision decide(
      String stage,
      boolean force,
      boolean upstreamRan,
      String success,
      long inputsModified,
      Map<String, String> state) {
    if (force) {
      return new StageDecision(stage, true, "--force");
    }
    if (upstreamRan) {
      return new StageDecision(stage, true, "an earlier stage ran");
    }
    if (!files.exists(success)) {
      return new StageDecision(stage, true, "no " + success);
    }
    if (!fingerprint(stage).equals(state.get(stage))) {
      return new StageDecision(stage, true, "its configuration changed since it last ran");
    }
    long done = mtime(success);
    if (inputsModified > done) {
      return new StageDecision(stage, true, "its inputs are newer than " + success);
    }
    return new StageDecision(
        stage,
        false,
        "up to date: " + success + " is newer than its inputs and its configuration is unchanged");
  }

  /** SHA-256 of the configuration sections a stage depends on. */
  String fingerprint(String stage) {
    List<String> sections =
        switch (stage) {
          case "etl" -> List.of("input", "target", "etl");
          case "train" -> List.of("target", "train");
          default -> List.of("evaluate");
        };
    StringBuilder text = new StringBuilder();
    for (String s : sections) {
      text.append(s)
          .append('=')
          .append(cfg.resolved().getValue(s).render(ConfigRenderOptions.concise()))
          .append('\n');
    }
    return Digests.sha256(text.toString());
  }

  private Map<String, String> readState() {
    String path = HadoopFiles.join(cfg.output().dir(), STATE);
    if (!files.exists(path)) {
      return new LinkedHashMap<>();
    }
    try {
      return Json.MAPPER.readValue(
          files.readText(path), new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (IOException e) {
      LOG.warn("Ignoring unreadable {}: {}", path, e.getMessage());
      return new LinkedHashMap<>();
    }
  }

  private long mtime(String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      return fs.exists(p) ? fs.getFileStatus(p).getModificationTime() : Long.MAX_VALUE;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + path, e);
    }
  }

  /**
   * The fingerprint of the raw input's content (see {@link InputFingerprint} for what it reads and
   * costs); null for a table without a location, whose changes cannot be seen.
   */
  private InputFingerprint.Result inputFingerprint(Map<String, String> state) {
    String input = inputLocation();
    if (input == null) {
      return null;
    }
    Map<String, String> cached = new LinkedHashMap<>();
    if (state.containsKey(INPUT_CHECKSUMS)) {
      try {
        cached =
            Json.MAPPER.readValue(
                state.get(INPUT_CHECKSUMS), new TypeReference<LinkedHashMap<String, String>>() {});
      } catch (IOException e) {
        LOG.warn("Ignoring the unreadable checksum cache in {}: {}", STATE, e.getMessage());
      }
    }
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(hadoop);
      List<FileStatus> listed = new ArrayList<>();
      FileStatus[] matches = fs.globStatus(p);
      for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
        if (m.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
          while (it.hasNext()) {
            listed.add(it.next());
          }
        } else {
          listed.add(m);
        }
      }
      return InputFingerprint.of(fs, listed, cached);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input, e);
    }
  }

  /** The input's path, or a table's location; null for a table without one. */
  private String inputLocation() {
    if (!cfg.input().isTable()) {
      return cfg.input().path();
    }
    return io.dlpipe.input.TableRef.resolve(spark, cfg.input().table(), "input.table")
        .location()
        .orElse(null);
  }

  /** The newest modification time of any raw input file: metadata only, no data is read. */
  private long newestInput() {
    String input = cfg.input().path();
    if (cfg.input().isTable()) {
      // Every write to a Hive, Delta or Iceberg table adds files under its location (data, log or
      // metadata), so their newest time says when it changed; without a location, assume it did.
      java.util.Optional<String> location =
          io.dlpipe.input.TableRef.resolve(spark, cfg.input().table(), "input.table").location();
      if (location.isEmpty()) {
        return Long.MAX_VALUE;
      }
      input = location.get();
    }
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(p);
      long newest = 0;
      if (matches == null) {
        return Long.MAX_VALUE;
      }
      for (FileStatus m : matches) {
        if (m.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
          while (it.hasNext()) {
            newest = Math.max(newest, it.next().getModificationTime());
          }
        } else {
          newest = Math.max(newest, m.getModificationTime());
        }
      }
      return newest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input, e);
    }
  }

  Map<String, Object> keyMetrics(EvaluationLayout evaluation) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!files.exists(evaluation.metrics())) {
      return out;
    }
    try {
      Map<String, Object> all =
          Json.MAPPER.readValue(
              files.readText(evaluation.metrics()),
              new TypeReference<LinkedHashMap<String, Object>>() {});
      String main = String.valueOf(all.get("main_metric"));
      for (String key :
          List.of(
              "model." + main,
              "baseline." + main,
              "model.rmse",
              "model.accuracy",
              "model.ks",
              "verdict",
              "best_rung",
              "findings")) {
        if (all.containsKey(key)) {
          out.put(key, all.get(key));
        }
      }
    } catch (IOException e) {
      LOG.warn("Cannot read {}: {}", evaluation.metrics(), e.getMessage());
    }
    return out;
  }
}
