package io.dlpipe.config;

import java.time.Duration;

/**
 * The workspace shared by every stage.
 *
 * @param dir a Hadoop path; etl writes {@code <dir>/prepared/}, later stages write beside it
 * @param lockStaleAfter a workspace lock not refreshed for this long is taken over (its holder is
 *     presumed dead); the holder refreshes it every quarter of this
 */
public record OutputConfig(String dir, Duration lockStaleAfter) {
  /** The folder the ETL stage owns. */
  public String preparedDir() {
    return dir.endsWith("/") ? dir + "prepared" : dir + "/prepared";
  }
}
