package io.dlpipe.workspace;

import java.util.Locale;

/**
 * What a folder written by dlpipe holds, as its {@link OutputMarker} records it. A stage replaces
 * only a folder whose marker names the kind it writes there, so a user's folder, or another stage's
 * output, at a configured path is never deleted.
 */
public enum OutputKind {
  /** {@code <output.dir>/prepared/}. */
  PREPARED("etl"),
  /** {@code <output.dir>/model/}, the model bundle. */
  MODEL("train"),
  /** {@code <output.dir>/checkpoints/}, per-epoch training state. */
  CHECKPOINTS("train"),
  /** {@code <output.dir>/evaluation/}. */
  EVALUATION("evaluate"),
  /** The scored Parquet of {@code predict --output}. */
  PREDICTIONS("predict"),
  /** The {@code <output>_quarantine} folder beside a prediction output. */
  PREDICT_QUARANTINE("predict"),
  /** The Spark ML estimator's {@code quarantinePath}: the bad rows of a fit. */
  FIT_QUARANTINE("fit"),
  /** {@code <output.dir>/drift/dt=<date>/} of {@code run --date}: drift.json and drift.html. */
  DRIFT("run"),
  /** {@code <output.dir>/runs/dt=<date>/} of {@code run --date}: the day's run-summary.json. */
  RUN_DAY("run"),
  /**
   * {@code <output.dir>/model-candidates/dt=<date>/} of {@code run --date}: a model retrained on
   * the day, laid out like a workspace, until the promotion gate promotes it or keeps it there.
   */
  MODEL_CANDIDATE("run"),
  /**
   * {@code <output.dir>} itself: marks a folder as a dlpipe workspace (stage: the first command
   * that wrote it).
   */
  WORKSPACE("run"),
  /** The folder of {@code synth --out}. */
  SYNTH("synth");

  private final String stage;

  OutputKind(String stage) {
    this.stage = stage;
  }

  /** The command that writes this kind of folder. */
  public String stage() {
    return stage;
  }

  /** The kebab-case name stored in the marker. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind a marker names, or null for a name this build does not know. */
  public static OutputKind fromId(String id) {
    for (OutputKind k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    return null;
  }
}
