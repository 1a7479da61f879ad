package io.dlpipe.train;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prepared data of the bundled datasets for training tests: etl runs once per dataset and JVM (on
 * the shared local session), and each test gets its own workspace with a copy of {@code prepared/},
 * so models and checkpoints of different tests never meet.
 */
final class TrainFixtures {
  private static final Map<String, Path> PREPARED = new HashMap<>();

  private TrainFixtures() {}

  /** A config over the Ames workspace {@code ws}, with overrides. */
  static DlpipeConfig ames(Path ws, String... extra) {
    return TestConfig.ames(ws)
        .set("etl.normalize.log=auto", "etl.clip.enabled=true", "spark.master=local[2]")
        .set(extra)
        .load();
  }

  /** A config over the credit workspace {@code ws}, with overrides. */
  static DlpipeConfig credit(Path ws, String... extra) {
    return TestConfig.credit(TestData.credit(), ws).set("spark.master=local[2]").set(extra).load();
  }

  /** Copies the dataset's prepared/ (made once) into {@code ws}. */
  static synchronized void prepare(String dataset, Path ws) {
    Path source = PREPARED.get(dataset);
    try {
      if (source == null) {
        Path dir = Files.createTempDirectory("dlpipe-prepared-" + dataset);
        DlpipeConfig cfg = dataset.equals("ames") ? ames(dir) : credit(dir);
        new EtlJob(TestSpark.get(), cfg).run();
        source = dir.resolve("prepared");
        PREPARED.put(dataset, source);
      }
      copyTree(source, ws.resolve("prepared"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
