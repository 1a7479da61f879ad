package io.dlpipe.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code _dlpipe.json} file in every folder dlpipe writes (prepared/, model/, checkpoints/,
 * evaluation/, a prediction output and its quarantine, and their staging folders). It is written
 * first, so even a folder a killed run left half-written is recognisably dlpipe's; a stage deletes
 * or replaces a folder only when this marker names the kind of output the stage writes there.
 * Spark's readers skip names that start with an underscore, so the marker never reads as data.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written
 * @param kind {@link OutputKind#id()}
 * @param stage the command that wrote the folder
 * @param runId the {@link RunId} of the writing process
 * @param createdAt when the folder was started, UTC
 */
public record OutputMarker(
    int formatVersion, String kind, String stage, String runId, String createdAt) {
  public static final String FILE = "_dlpipe.json";
  public static final int FORMAT_VERSION = 1;

  /** A marker for a folder this process starts now. */
  public static OutputMarker of(OutputKind kind) {
    return new OutputMarker(
        FORMAT_VERSION,
        kind.id(),
        kind.stage(),
        RunId.current(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  /**
   * A marker for a folder this process starts now on behalf of {@code stage}, for kinds that
   * several commands write.
   */
  public static OutputMarker of(OutputKind kind, String stage) {
    return new OutputMarker(
        FORMAT_VERSION,
        kind.id(),
        stage,
        RunId.current(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  /** The marker file inside {@code dir}. */
  public static String path(String dir) {
    return HadoopFiles.join(dir, FILE);
  }

  public void writeTo(HadoopFiles files, String dir) {
    files.writeText(path(dir), Json.write(this));
  }

  /** The marker of {@code dir}, or null when it has none or one that is not dlpipe's JSON. */
  public static OutputMarker read(HadoopFiles files, String dir) {
    String p = path(dir);
    if (!files.isFile(p)) {
      return null;
    }
    try {
      // Lenient: a newer dlpipe may add fields, and the folder is still dlpipe's.
      return Json.MAPPER
          .readerFor(OutputMarker.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(files.readText(p));
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The kind this marker names; null for one this build does not know. */
  public OutputKind outputKind() {
    return OutputKind.fromId(kind);
  }
}
