package io.dlpipe.workspace;

import io.dlpipe.io.HadoopFiles;

/** The files of {@code <output.dir>/evaluation/}, declared once. */
public final class EvaluationLayout {
  public static final String METRICS = "metrics.json";
  public static final String CURVES = "curves.json";
  public static final String PREDICTIONS = "predictions";
  public static final String REPORT = "report.html";
  public static final String SUCCESS = "_SUCCESS";

  private final String root;

  public EvaluationLayout(String outputDir) {
    this(HadoopFiles.join(outputDir, "evaluation"), null);
  }

  /**
   * {@code staging} only tells this constructor apart from the public one, which takes output.dir.
   */
  private EvaluationLayout(String root, Void staging) {
    this.root = root;
  }

  /** The same files under {@code root} (a staging folder) instead of evaluation/. */
  public EvaluationLayout at(String root) {
    return new EvaluationLayout(root, null);
  }

  public String root() {
    return root;
  }

  public String metrics() {
    return HadoopFiles.join(root, METRICS);
  }

  public String curves() {
    return HadoopFiles.join(root, CURVES);
  }

  /**
   * Parquet: label, prediction (and probabilities) of every test row, as the network scored them.
   */
  public String predictions() {
    return HadoopFiles.join(root, PREDICTIONS);
  }

  public String report() {
    return HadoopFiles.join(root, REPORT);
  }

  public String success() {
    return HadoopFiles.join(root, SUCCESS);
  }
}
