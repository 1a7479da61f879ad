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

  public static DlpipeConfig amesConfig(Path outputDir, String... extra) {
    return config(ames().toString(), "csv", "Sale_Price", "regression", outputDir, extra);
  }

  public static DlpipeConfig creditConfig(Path input, Path outputDir, String... extra) {
    List<String> sets = new ArrayList<>(List.of("target.classes=[good, bad]"));
    sets.addAll(List.of(extra));
    return config(input.toString(), "csv", "Status", "classification", outputDir, sets.toArray(new String[0]));
  }
}
