package io.dlpipe.testing;

import io.dlpipe.config.ConfigLoader;
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

  /** A config with the five required keys plus any overrides. */
  public static DlpipeConfig config(String input, String format, String target, String task, Path outputDir, String... extra) {
    List<String> sets = new ArrayList<>(List.of("input.path=" + input, "input.format=" + format, "target.column=" + target, "target.task=" + task, "output.dir=" + outputDir));
    sets.addAll(List.of(extra));
    return ConfigLoader.load(null, sets);
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
    return config(ames().toString(), "csv", "Sale_Price", "regression", outputDir, extra);
  }

  public static DlpipeConfig creditConfig(Path input, Path outputDir, String... extra) {
    List<String> sets = new ArrayList<>(List.of("target.classes=[good, bad]"));
    sets.addAll(List.of(extra));
    return config(input.toString(), "csv", "Status", "classification", outputDir, sets.toArray(new String[0]));
  }
}
