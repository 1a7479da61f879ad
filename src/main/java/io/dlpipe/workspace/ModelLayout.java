package io.dlpipe.workspace;

import io.dlpipe.io.HadoopFiles;

/**
 * The file layout of {@code <output.dir>/model/}: the model bundle the train stage writes and
 * evaluate / predict read, and of {@code <output.dir>/checkpoints/} beside it. Paths are declared
 * here once. The checkpoints live outside {@code model/} so that the bundle can be replaced as a
 * whole (see {@link StagedOutput}) while training resumes from them.
 */
public final class ModelLayout {
  public static final String MODEL = "model.zip";
  public static final String PROVENANCE = "model.json";
  public static final String HISTORY = "training-history.csv";
  public static final String STATS_HTML = "training-stats.html";

  /** A copy of the prepared transform, so the bundle alone can score raw data. */
  public static final String TRANSFORM = "transform.json";

  public static final String CHECKPOINTS = "checkpoints";

  /**
   * Default scratch folder of DL4J's export approach, inside the staging folder; removed after
   * training.
   */
  public static final String EXPORT = "_export";

  public static final String SUCCESS = "_SUCCESS";

  private final String root;
  private final String checkpoints;

  public ModelLayout(String outputDir) {
    this(HadoopFiles.join(outputDir, "model"), HadoopFiles.join(outputDir, CHECKPOINTS));
  }

  private ModelLayout(String root, String checkpoints) {
    this.root = root;
    this.checkpoints = checkpoints;
  }

  /**
   * The same layout with the bundle written to {@code root} (a staging folder) instead of model/.
   */
  public ModelLayout at(String root) {
    return new ModelLayout(root, checkpoints);
  }

  /**
   * The layout of a model folder given itself (a bundle copied elsewhere, or inside a saved Spark
   * ML model); its checkpoints would be beside it, as in a workspace.
   */
  public static ModelLayout of(String modelDir) {
    String root = modelDir.endsWith("/") ? modelDir.substring(0, modelDir.length() - 1) : modelDir;
    org.apache.hadoop.fs.Path parent = new org.apache.hadoop.fs.Path(root).getParent();
    return new ModelLayout(
        root,
        parent == null
            ? HadoopFiles.join(root, CHECKPOINTS)
            : HadoopFiles.join(parent.toString(), CHECKPOINTS));
  }

  public String root() {
    return root;
  }

  public String model() {
    return HadoopFiles.join(root, MODEL);
  }

  public String provenance() {
    return HadoopFiles.join(root, PROVENANCE);
  }

  public String history() {
    return HadoopFiles.join(root, HISTORY);
  }

  /** Every tuning trial, when tune.trials > 0. */
  public String tuning() {
    return HadoopFiles.join(root, "tuning.csv");
  }

  /**
   * The best tuning trial's settings and every trial, beside the checkpoints: a resumed training
   * uses them again, and they outlive the staged model folder they are copied into.
   */
  public String tuningBest() {
    return HadoopFiles.join(checkpoints, "tuning-best.json");
  }

  /**
   * How train.target-transform = auto chose the target, beside the checkpoints: a resumed training
   * fits the same target without trying again.
   */
  public String targetChoice() {
    return HadoopFiles.join(checkpoints, "target-choice.json");
  }

  /** {@link #tuning()}'s copy beside the checkpoints. */
  public String tuningTrials() {
    return HadoopFiles.join(checkpoints, "tuning.csv");
  }

  public String statsHtml() {
    return HadoopFiles.join(root, STATS_HTML);
  }

  public String transform() {
    return HadoopFiles.join(root, TRANSFORM);
  }

  /**
   * {@code <output.dir>/checkpoints}: per-epoch training state, kept across runs to resume from.
   */
  public String checkpoints() {
    return checkpoints;
  }

  public String export() {
    return HadoopFiles.join(root, EXPORT);
  }

  public String success() {
    return HadoopFiles.join(root, SUCCESS);
  }
}
