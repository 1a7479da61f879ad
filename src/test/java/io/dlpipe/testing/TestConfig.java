package io.dlpipe.testing;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way tests build a {@link DlpipeConfig}: the keys every job needs, then {@code --set}
 * overrides, optionally a conf file and an environment, loaded by the real {@link ConfigLoader}
 * exactly as the CLI loads them. Start from {@link #minimal()} (placeholder values, nothing is read
 * at load time) or {@link #of} (a test's own input, target and workspace).
 *
 * <pre>{@code
 * DlpipeConfig cfg = TestConfig.minimal().set("train.epochs=3").load();
 * DlpipeConfig table = TestConfig.minimal().unset("input.path").set("input.format=table", "input.table=db.t").load();
 * }</pre>
 */
public final class TestConfig {
  /** The required keys; a later {@link #set} of one wins, as on the command line. */
  private final Map<String, String> required = new LinkedHashMap<>();

  private final List<String> sets = new ArrayList<>();
  private Path file;
  private Map<String, String> env;
  private String date;

  private TestConfig() {}

  /**
   * The five required keys with placeholder values: {@code /data/raw.csv}, csv, target {@code
   * price} (regression), workspace {@code /tmp/ws}.
   */
  public static TestConfig minimal() {
    return of("/data/raw.csv", "price", "regression", "/tmp/ws").format("csv");
  }

  /**
   * The required keys with a test's own values; {@code input.format} stays at its default unless
   * {@link #format} sets it.
   */
  public static TestConfig of(Object input, String targetColumn, String task, Object outputDir) {
    TestConfig c = new TestConfig();
    c.required.put("input.path", String.valueOf(input));
    c.required.put("target.column", targetColumn);
    c.required.put("target.task", task);
    c.required.put("output.dir", String.valueOf(outputDir));
    return c;
  }

  /** The bundled Ames data ({@link TestData#ames()}), regression on Sale_Price. */
  public static TestConfig ames(Object outputDir) {
    return of(TestData.ames(), "Sale_Price", "regression", outputDir).format("csv");
  }

  /**
   * Credit rows at {@code input} (the bundled ones: {@link TestData#credit()}), classification of
   * Status, bad the positive class.
   */
  public static TestConfig credit(Object input, Object outputDir) {
    return of(input, "Status", "classification", outputDir)
        .format("csv")
        .set("target.classes=[good, bad]");
  }

  public TestConfig input(Object path) {
    return put("input.path", String.valueOf(path));
  }

  public TestConfig format(String format) {
    return put("input.format", format);
  }

  public TestConfig target(String column, String task) {
    return put("target.column", column).put("target.task", task);
  }

  public TestConfig output(Object dir) {
    return put("output.dir", String.valueOf(dir));
  }

  /**
   * Leaves a required key out (a table input has no {@code input.path}; a test of the refusal of a
   * missing key).
   */
  public TestConfig unset(String key) {
    if (required.remove(key) == null) {
      throw new IllegalArgumentException(
          key + " is not one of the required keys " + required.keySet());
    }
    return this;
  }

  /**
   * {@code --set} overrides, {@code key=value} each, applied after the required keys in this order.
   */
  public TestConfig set(String... keyValues) {
    sets.addAll(List.of(keyValues));
    return this;
  }

  public TestConfig set(List<String> keyValues) {
    sets.addAll(keyValues);
    return this;
  }

  /** A HOCON file under the {@code --set}s, as {@code --conf} gives it. */
  public TestConfig file(Path conf) {
    this.file = conf;
    return this;
  }

  /**
   * The environment ConfigLoader reads ({@code DLPIPE_PII_SALT}); without one, the process's own.
   */
  public TestConfig env(Map<String, String> environment) {
    this.env = Map.copyOf(environment);
    return this;
  }

  /** The run date of {@code --date} ({@code run.date}), as {@code run --date} gives it. */
  public TestConfig date(String runDate) {
    this.date = runDate;
    return this;
  }

  /** Every {@code --set} as the CLI would receive it: the required keys, then the overrides. */
  public List<String> sets() {
    List<String> out = new ArrayList<>();
    required.forEach((k, v) -> out.add(k + "=" + v));
    out.addAll(sets);
    return out;
  }

  public DlpipeConfig load() {
    return ConfigLoader.load(file, sets(), date, env == null ? System.getenv() : env);
  }

  private TestConfig put(String key, String value) {
    required.put(key, value);
    return this;
  }
}
