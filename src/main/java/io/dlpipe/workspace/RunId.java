package io.dlpipe.workspace;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The id of this process's dlpipe run: one per JVM, so the workspace lock and every output marker
 * and staging folder of a {@code run} (etl, train and evaluate in one process) name the same run.
 * Sortable by start time, and unique across hosts by its random suffix.
 */
public final class RunId {
  private static final String CURRENT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
              .withZone(ZoneOffset.UTC)
              .format(Instant.now())
          + "-"
          + String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());

  private RunId() {}

  public static String current() {
    return CURRENT;
  }
}
