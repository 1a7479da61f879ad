package io.dlpipe.testing;

import io.dlpipe.config.DlpipeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bundled real datasets and configs over them, for integration tests. */
public final class TestData {
  private TestData() {}

  public static Path projectDir() {
    return Path.of(System.getProperty("dlpipe.project.dir", ".")).toAbsolutePath();
  }

  public static Path ames() {
    return projectDir().resolve("data/ames.csv");
  }

  public static Path credit() {
    return projectDir().resolve("data/credit_data.csv");
  }

  /** A config with the five required keys plus any overrides: {@link TestConfig} in one call. */
  public static DlpipeConfig config(
      String input, String format, String target, String task, Path outputDir, String... extra) {
    return TestConfig.of(input, target, task, outputDir).format(format).set(extra).load();
  }

  /**
   * New raw credit rows to score, at {@code file}: the header and the first {@code good} data lines
   * of the bundled CSV, then {@code bad} lines with a word in a numeric column (quarantined).
   */
  public static Path creditRowsToScore(Path file, int good, int bad) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(credit());
    List<String> rows = new ArrayList<>(lines.subList(0, good + 1));
    for (int i = 0; i < bad; i++) {
      rows.add("\"good\",9,\"rent\",60,thirty,\"married\",\"no\",\"freelance\",73,129,0,0,800,846");
    }
    java.nio.file.Files.createDirectories(file.getParent());
    return java.nio.file.Files.write(file, rows);
  }

  public static DlpipeConfig amesConfig(Path outputDir, String... extra) {
    return TestConfig.ames(outputDir).set(extra).load();
  }

  public static DlpipeConfig creditConfig(Path input, Path outputDir, String... extra) {
    return TestConfig.credit(input, outputDir).set(extra).load();
  }
}
