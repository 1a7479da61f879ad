package io.dlpipe.io;

import io.dlpipe.io.HadoopFiles;

/**
 * The file layout of {@code <output.dir>/model/}: the model bundle the train stage writes and
 * evaluate / predict read. Paths are declared here once.
 */
public final class ModelLayout {
  public static final String MODEL = "model.zip";
  public static final String PROVENANCE = "model.json";
  public static final String HISTORY = "training-history.csv";
  public static final String STATS_HTML = "training-stats.html";
  /** A copy of the prepared transform, so the bundle alone can score raw data. */
  public static final String TRANSFORM = "transform.json";
  public static final String CHECKPOINTS = "checkpoints";
  /** Default scratch folder of DL4J's export approach; removed after training. */
  public static final String EXPORT = "_export";
  public static final String SUCCESS = "_SUCCESS";

  private final String root;

  public ModelLayout(String outputDir) {
    this.root = HadoopFiles.join(outputDir, "model");
  }

  private ModelLayout(String root, boolean direct) {
    this.root = root;
  }

  /** The layout of a model folder given itself (a bundle copied elsewhere, or inside a saved Spark ML model). */
  public static ModelLayout at(String modelDir) {
    return new ModelLayout(modelDir.endsWith("/") ? modelDir.substring(0, modelDir.length() - 1) : modelDir, true);
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

  public String statsHtml() {
    return HadoopFiles.join(root, STATS_HTML);
  }

  public String transform() {
    return HadoopFiles.join(root, TRANSFORM);
  }

  public String checkpoints() {
    return HadoopFiles.join(root, CHECKPOINTS);
  }

  public String export() {
    return HadoopFiles.join(root, EXPORT);
  }

  public String success() {
    return HadoopFiles.join(root, SUCCESS);
  }
}
