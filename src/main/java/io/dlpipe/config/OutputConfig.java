package io.dlpipe.config;

/**
 * The workspace shared by every stage.
 *
 * @param dir a Hadoop path; etl writes {@code <dir>/prepared/}, later stages write beside it
 */
public record OutputConfig(String dir) {
  /** The folder the ETL stage owns. */
  public String preparedDir() {
    return dir.endsWith("/") ? dir + "prepared" : dir + "/prepared";
  }
}
