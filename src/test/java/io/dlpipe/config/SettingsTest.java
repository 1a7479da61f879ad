package io.dlpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.dlpipe.ConfigException;
import io.dlpipe.testing.TestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The settings table against the defaults file, and the reference generated from both. */
class SettingsTest {
  /** The required keys as {@code --set}s. */
  private static final List<String> FIVE_KEYS = TestConfig.minimal().sets();

  @Test
  void theDefaultsFileAndTheTableListTheSameKeys() {
    Set<String> rows =
        Settings.all().stream().map(Setting::key).collect(Collectors.toCollection(TreeSet::new));
    List<String> leaves = new ArrayList<>();
    leaves("", ConfigLoader.defaults().root(), rows, leaves);
    Set<String> declared = new TreeSet<>(leaves);
    Set<String> noRow = new TreeSet<>(declared);
    noRow.removeAll(rows);
    Set<String> noDefault = new TreeSet<>(rows);
    noDefault.removeAll(declared);
    assertEquals(
        Set.of(),
        noRow,
        "keys of dlpipe-defaults.conf without a row in io.dlpipe.config.Settings (add one; see docs/configuration.md)");
    assertEquals(
        Set.of(),
        noDefault,
        "rows of io.dlpipe.config.Settings without a default in dlpipe-defaults.conf (add the key with its doc)");
    assertEquals(rows.size(), Settings.all().size(), "one row per key");
  }

  /**
   * Leaves of the defaults: scalars, lists, nulls, empty objects, and the table's free-form objects
   * as one key each.
   */
  private static void leaves(String prefix, ConfigObject obj, Set<String> rows, List<String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path =
          prefix.isEmpty()
              ? ConfigUtil.joinPath(e.getKey())
              : prefix + "." + ConfigUtil.joinPath(e.getKey());
      if (e.getValue() instanceof ConfigObject o && !o.isEmpty() && !rows.contains(path)) {
        leaves(path, o, rows, out);
      } else {
        out.add(path);
      }
    }
  }

  @Test
  void everySettingHasADocAndADefaultItAccepts() {
    List<String> undocumented =
        Settings.all().stream().filter(s -> s.doc().isEmpty()).map(Setting::key).toList();
    assertEquals(
        List.of(),
        undocumented,
        "keys without a comment above them in dlpipe-defaults.conf (the comment is the doc)");
    Set<String> nullDefaults = new TreeSet<>();
    for (Setting<?> s : Settings.all()) {
      if (s.defaultValue() == null) {
        nullDefaults.add(s.key());
      }
    }
    // Required keys, and the optional ones whose absence means something (no date, no positive
    // class).
    assertEquals(
        Set.of(
            "input.path",
            "target.column",
            "target.task",
            "output.dir",
            "target.positive-class",
            "run.date",
            "evaluate.threshold"),
        nullDefaults);
  }

  @Test
  void rowsKnowTheirKindBoundsChoicesAndSection() {
    assertEquals("an integer in [1, 100000]", Settings.TRAIN_EPOCHS.expected());
    assertEquals(Setting.Kind.INTEGER, Settings.TRAIN_EPOCHS.kind());
    assertEquals("train", Settings.TRAIN_EPOCHS.section());
    assertEquals(100, Settings.TRAIN_EPOCHS.defaultValue());
    assertEquals(
        "The most passes over the train split. Early stopping usually ends training sooner.",
        Settings.TRAIN_EPOCHS.doc());
    assertEquals(List.of("regression", "classification"), Settings.TARGET_TASK.choices());
    assertEquals("one of regression | classification", Settings.TARGET_TASK.expected());
    assertEquals(List.of(128, 64), Settings.TRAIN_MODEL_HIDDEN_LAYERS.defaultValue());
    assertEquals(Duration.ofSeconds(120), Settings.OUTPUT_LOCK_STALE_AFTER.defaultValue());
    assertEquals(
        "0 (off) or an integer in [2, 20]", Settings.EVALUATE_CROSS_VALIDATION_FOLDS.expected());
    assertEquals(
        Set.of(
            "input.columns",
            "input.options",
            "spark.conf",
            "train.class-weights",
            "tune.space",
            "etl.normalize.numeric-encoding-columns"),
        Settings.all().stream()
            .filter(Setting::freeForm)
            .map(Setting::key)
            .collect(Collectors.toSet()));
    assertEquals(Settings.TRAIN_EPOCHS, Settings.byKey("train.epochs").orElseThrow());
    assertTrue(Settings.byKey("train.epoch").isEmpty());
  }

  @Test
  void aRowAcceptsExactlyWhatTheLoaderAccepts() {
    assertTrue(Settings.TRAIN_EPOCHS.accepts(1));
    assertFalse(Settings.TRAIN_EPOCHS.accepts(0));
    assertFalse(Settings.TRAIN_EPOCHS.accepts(100_001));
    assertTrue(Settings.ETL_SPLIT_VALIDATION.accepts(0.5));
    assertFalse(Settings.ETL_SPLIT_VALIDATION.accepts(1.0));
    assertTrue(Settings.TARGET_TASK.accepts(Task.CLASSIFICATION));
    assertTrue(Settings.TARGET_TASK.accepts("regression"));
    assertFalse(Settings.TARGET_TASK.accepts("ranking"));
    assertTrue(Settings.TRAIN_MODEL_HIDDEN_LAYERS.accepts(new int[] {8, 4}));
    assertFalse(Settings.TRAIN_MODEL_HIDDEN_LAYERS.accepts(new int[] {8, 0}));
    assertFalse(Settings.EVALUATE_CROSS_VALIDATION_FOLDS.accepts(1));
    assertTrue(Settings.OUTPUT_LOCK_STALE_AFTER.accepts(Duration.ofMinutes(2)));
    assertFalse(Settings.OUTPUT_LOCK_STALE_AFTER.accepts(Duration.ofDays(2)));
  }

  @Test
  void typedOverridesLayerUnderSetAndAreCheckedAsAnyValue() {
    Overrides typed =
        new Overrides("DlpipeEstimator")
            .set(Settings.TRAIN_EPOCHS, 7)
            .set(Settings.TRAIN_MODEL_HIDDEN_LAYERS, List.of(16, 8))
            .set(Settings.ETL_NORMALIZE_METHOD, EtlConfig.NormalizeMethod.MIN_MAX)
            .setPlain(Settings.TRAIN_SEED, 5L);
    DlpipeConfig c = ConfigLoader.fromOverrides(typed, FIVE_KEYS);
    assertEquals(7, c.train().epochs());
    assertEquals(List.of(16, 8), c.train().model().hiddenLayers());
    assertEquals(EtlConfig.NormalizeMethod.MIN_MAX, c.etl().normalize().method());
    assertEquals(5L, c.train().seed());

    List<String> sets = new ArrayList<>(FIVE_KEYS);
    sets.add("train.epochs=3");
    assertEquals(
        3,
        ConfigLoader.fromOverrides(typed, sets).train().epochs(),
        "a key=value setting wins over a typed value");

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.fromOverrides(
                    new Overrides("DlpipeEstimator").set(Settings.TRAIN_EPOCHS, 0), FIVE_KEYS));
    assertEquals(
        "Invalid configuration: train.epochs: expected an integer in [1, 100000], found number 0 (DlpipeEstimator setting train.epochs=0)",
        e.getMessage());
    ConfigException list =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.fromOverrides(
                    new Overrides("DlpipeEstimator")
                        .setPlain(Settings.TRAIN_MODEL_HIDDEN_LAYERS, new int[] {8, 0}),
                    FIVE_KEYS));
    assertEquals(
        "Invalid configuration: train.model.hidden-layers: expected a list of layer widths, integers in [1, 65536], found list [8,0] "
            + "(DlpipeEstimator setting train.model.hidden-layers=[8,0])",
        list.getMessage());
  }

  @Test
  void typedValuesReplaceThoseOfALoadedConfig() {
    DlpipeConfig base = ConfigLoader.load(null, FIVE_KEYS);
    DlpipeConfig moved =
        ConfigLoader.withValues(
            base, new Overrides("run --date").set(Settings.OUTPUT_DIR, "/tmp/candidate"));
    assertEquals("/tmp/candidate", moved.output().dir());
    assertEquals(base.input(), moved.input());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.withValues(
                    base, new Overrides("run --date").set(Settings.OUTPUT_DIR, " ")));
    assertEquals(
        "Invalid configuration: output.dir: expected a path for the workspace, found string \" \" (run --date setting output.dir=\" \")",
        e.getMessage());
  }

  @Test
  void aSecretOverrideIsMaskedInItsOrigin() {
    Overrides typed = new Overrides("Test").setPlain(Settings.SPARK_MASTER, "local[2]");
    assertEquals(
        "Test setting spark.master=\"local[2]\"",
        typed.toConfig(SecretMasker.builtIn()).getValue("spark.master").origin().description());
    Overrides secret = new Overrides("Test").setPlain(Settings.SPARK_APP_NAME, "hunter2");
    assertEquals(
        "Test setting spark.app-name=****",
        secret
            .toConfig(SecretMasker.of(List.of("spark.app-name")))
            .getValue("spark.app-name")
            .origin()
            .description());
  }

  @Test
  void theGeneratedReferenceIsCurrent() throws IOException {
    Path file =
        Path.of(System.getProperty("dlpipe.project.dir", ".")).resolve(ConfigurationReference.PATH);
    String expected = ConfigurationReference.render();
    if (Boolean.getBoolean("dlpipe.regenerate-docs")) {
      Files.writeString(file, expected, StandardCharsets.UTF_8);
    }
    String actual = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    assertTrue(
        expected.equals(actual),
        ConfigurationReference.PATH
            + " is stale: it must be generated from the settings table and "
            + ConfigLoader.DEFAULTS_RESOURCE
            + ". Regenerate it with: "
            + ConfigurationReference.REGENERATE);
    assertTrue(
        actual.contains(
            "| `train.epochs` | integer | an integer in [1, 100000] | `100` | The most passes over the train split."),
        actual);
  }

  @Test
  void unsetOptionalsReadAsNull() {
    DlpipeConfig c = ConfigLoader.load(null, FIVE_KEYS);
    assertNull(c.target().positiveClass());
    assertNull(c.evaluate().threshold());
  }
}
