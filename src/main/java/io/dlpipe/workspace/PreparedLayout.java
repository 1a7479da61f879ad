package io.dlpipe.workspace;

import io.dlpipe.io.HadoopFiles;

/**
 * The file layout of {@code <output.dir>/prepared/}: the contract between etl and every later stage
 * (train, evaluate, predict). Paths are declared here once.
 */
public final class PreparedLayout {
  public static final String TRANSFORM = "transform.json";
  public static final String SUMMARY = "etl-summary.json";
  public static final String QUARANTINE = "quarantine";
  public static final String SUCCESS = "_SUCCESS";

  private final String root;

  public PreparedLayout(String preparedDir) {
    this.root = preparedDir;
  }

  public String root() {
    return root;
  }

  /** The Parquet folder of a split: train, validation or test. */
  public String split(String name) {
    return HadoopFiles.join(root, name);
  }

  public String transform() {
    return HadoopFiles.join(root, TRANSFORM);
  }

  public String summary() {
    return HadoopFiles.join(root, SUMMARY);
  }

  public String quarantine() {
    return HadoopFiles.join(root, QUARANTINE);
  }

  public String success() {
    return HadoopFiles.join(root, SUCCESS);
  }
}
