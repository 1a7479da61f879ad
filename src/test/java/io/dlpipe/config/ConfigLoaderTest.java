package io.dlpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.ExitCodes;
import io.dlpipe.testing.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static DlpipeConfig load(String... extra) {
    return TestConfig.minimal().set(extra).load();
  }

  private static String error(String... extra) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(extra));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    return e.getMessage();
  }

  @Test
  void fiveKeysAreEnoughAndEverythingElseHasItsDefault() {
    DlpipeConfig c = load();
    assertEquals("/data/raw.csv", c.input().path());
    assertEquals(InputFormat.CSV, c.input().format());
    assertEquals(Task.REGRESSION, c.target().task());
    assertEquals("/tmp/ws/prepared", c.output().preparedDir());
    assertEquals(0.05, c.etl().maxRejectRatio());
    assertEquals(new EtlConfig.Split(0.8, 0.1, 0.1, 42, ""), c.etl().split());
    assertEquals(EtlConfig.NumericImpute.MEDIAN, c.etl().impute().numeric());
    assertEquals(EtlConfig.CategoricalImpute.MISSING_LEVEL, c.etl().impute().categorical());
    assertEquals(EtlConfig.NormalizeMethod.STANDARDIZE, c.etl().normalize().method());
    assertEquals(
        new EtlConfig.Categorical(EtlConfig.CategoricalEncoding.ONE_HOT, 50, 1),
        c.etl().categorical());
    assertEquals(EtlConfig.DedupMode.REPORT, c.etl().dedup().mode());
    assertEquals(List.of("", "NA", "N/A", "NaN", "null", "NULL"), c.input().nullValues());
    assertEquals("\"", c.input().escape());
    assertEquals("", c.spark().master());
  }

  @Test
  void setWinsOverFileAndFileOverDefaults() throws IOException {
    Path f = dir.resolve("job.conf");
    Files.writeString(
        f,
        "input { path = /a, format = json }\ntarget { column = y, task = classification }\noutput.dir = /w\netl.split { train = 0.7, validation = 0.2, test = 0.1 }\n");
    DlpipeConfig c =
        ConfigLoader.load(f, List.of("etl.split.validation=0.1", "etl.split.test=0.2"));
    assertEquals(InputFormat.JSON, c.input().format());
    assertEquals(Task.CLASSIFICATION, c.target().task());
    assertEquals(new EtlConfig.Split(0.7, 0.1, 0.2, 42, ""), c.etl().split());
  }

  @Test
  void setTakesPathsWithColonsSlashesAndEqualsSignsLiterally() {
    DlpipeConfig c =
        load(
            "input.path=s3a://bucket/raw//dt=2026-11-28/*.csv",
            "spark.conf.\"spark.executor.memory\"=4g");
    assertEquals("s3a://bucket/raw//dt=2026-11-28/*.csv", c.input().path());
    assertEquals(Map.of("spark.executor.memory", "4g"), c.spark().conf());
  }

  @Test
  void environmentSubstitutionResolves() throws IOException {
    Path f = dir.resolve("env.conf");
    Files.writeString(
        f,
        "input.path = /default\ninput.path = ${?HOME}\ntarget { column = y, task = regression }\noutput.dir = /w\n");
    assertEquals(System.getenv("HOME"), ConfigLoader.load(f, List.of()).input().path());
  }

  @Test
  void unknownKeyIsRejectedWithASuggestion() {
    assertEquals(
        "Invalid configuration: unknown key 'etl.split.trian' (--set etl.split.trian=0.5); did you mean 'etl.split.train'? Every key is listed with its default in dlpipe-defaults.conf.",
        error("etl.split.trian=0.5"));
  }

  @Test
  void unknownKeyInAFileNamesTheFileAndLine() throws IOException {
    Path f = dir.resolve("typo.conf");
    Files.writeString(
        f,
        "input { path = /a }\ntarget { column = y, task = regression }\noutput.dir = /w\netl {\n  normalise.method = min-max\n}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, List.of()));
    assertEquals(
        "Invalid configuration: unknown key 'etl.normalise.method' ("
            + f
            + ": 5); did you mean 'etl.normalize.method'? Every key is listed with its default in dlpipe-defaults.conf.",
        e.getMessage());
  }

  @Test
  void wrongTypeNamesKeyExpectedAndFound() {
    assertEquals(
        "Invalid configuration: etl.split.train: expected a number in (0, 1], found string \"abc\" (--set etl.split.train=abc)",
        error("etl.split.train=abc"));
    assertEquals(
        "Invalid configuration: input.header: expected true or false, found number 3 (--set input.header=3)",
        error("input.header=3"));
  }

  @Test
  void outOfRangeNamesKeyExpectedAndFound() {
    assertEquals(
        "Invalid configuration: etl.max-reject-ratio: expected a number in [0, 1], found number 1.5 (--set etl.max-reject-ratio=1.5)",
        error("etl.max-reject-ratio=1.5"));
    assertEquals(
        "Invalid configuration: etl.categorical.top-k: expected an integer in [1, 10000], found number 0 (--set etl.categorical.top-k=0)",
        error("etl.categorical.top-k=0"));
  }

  @Test
  void badEnumListsTheChoices() {
    assertEquals(
        "Invalid configuration: target.task: expected one of regression | classification, found string \"regresion\" (--set target.task=regresion)",
        error("target.task=regresion"));
    assertEquals(
        "Invalid configuration: input.columns.Age: expected one of numeric | categorical | date | ignore, found string \"number\" (--set input.columns.Age=number)",
        error("input.columns.Age=number"));
  }

  @Test
  void missingRequiredKeyIsNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    null, List.of("input.path=/a", "target.task=regression", "output.dir=/w")));
    assertEquals(
        "Invalid configuration: target.column: expected the name of the column to predict, found nothing (the key is required; set it in the --conf file or with --set target.column=...)",
        e.getMessage());
  }

  @Test
  void splitSharesMustAddUpToOne() {
    assertEquals(
        "Invalid configuration: etl.split: expected train + validation + test = 1, found 0.9 + 0.1 + 0.1 = 1.1 (--set etl.split.train=0.9)",
        error("etl.split.train=0.9"));
  }

  @Test
  void splitSharesThatLeaveValidationOrTestEmptyAreRefused() {
    assertEquals(
        "Invalid configuration: etl.split.validation: expected a number in (0, 1), found number 0 (--set etl.split.validation=0)",
        error("etl.split.train=0.9", "etl.split.validation=0"));
    assertEquals(
        "Invalid configuration: etl.split.test: expected a number in (0, 1), found number 0 (--set etl.split.test=0.0)",
        error("etl.split.train=0.9", "etl.split.test=0.0"));
  }

  @Test
  void csvMultiLineIsAutoTrueOrFalse() {
    assertEquals(CsvMultiLine.AUTO, load().input().multiLine());
    assertEquals(CsvMultiLine.TRUE, load("input.csv.multi-line=true").input().multiLine());
    assertEquals(CsvMultiLine.FALSE, load("input.csv.multi-line=false").input().multiLine());
    assertEquals(CsvMultiLine.AUTO, load("input.csv.multi-line=AUTO").input().multiLine());
    assertEquals(
        "Invalid configuration: input.csv.multi-line: expected auto | true | false, found string \"sometimes\" (--set input.csv.multi-line=sometimes)",
        error("input.csv.multi-line=sometimes"));
    assertEquals(
        "Invalid configuration: input.csv.multi-line: expected auto | true | false, found number 1 (--set input.csv.multi-line=1)",
        error("input.csv.multi-line=1"));
  }

  @Test
  void readerOptionsThatDropRowsOrThatDlpipeOwnsAreRefused() {
    assertEquals(
        "Invalid configuration: input.options.mode: expected PERMISSIVE or no mode (DROPMALFORMED would drop rows outside the accounting, FAILFAST would stop at"
            + " the first bad row instead of quarantining it), found string \"DROPMALFORMED\" (--set input.options.mode=DROPMALFORMED)",
        error("input.options.mode=DROPMALFORMED"));
    assertEquals(
        "Invalid configuration: input.options.multiLine: expected no value (dlpipe sets this reader option itself; set input.csv.multi-line instead), found boolean true"
            + " (--set input.options.multiLine=true)",
        error("input.options.multiLine=true"));
    assertEquals("PERMISSIVE", load("input.options.mode=PERMISSIVE").input().options().get("mode"));
    assertEquals(
        "true",
        load("input.format=json", "input.options.multiLine=true")
            .input()
            .options()
            .get("multiLine"));
  }

  @Test
  void crossKeyRulesAreChecked() {
    assertEquals(
        "Invalid configuration: etl.dedup.key-columns: expected at least one column when etl.dedup.mode = keys, found list [] (dlpipe-defaults.conf @ "
            + defaultsUrl()
            + ": 110)",
        error("etl.dedup.mode=keys").replaceAll("defaults.conf: \\d+", "defaults.conf: 110"));
    assertEquals(
        "Invalid configuration: target.classes: expected an empty list for task = regression, found list [\"a\",\"b\"] (--set target.classes=[a,b])",
        error("target.classes=[a,b]"));
    assertEquals(
        "Invalid configuration: input.columns.price: expected no role for the target column price (the target is never a feature), found string \"numeric\" (--set input.columns.price=numeric)",
        error("input.columns.price=numeric"));
  }

  @Test
  void positiveClassAndPromotionMarginAreTypedAndChecked() {
    assertEquals(null, load().target().positiveClass());
    assertEquals(0.01, load().schedule().promotion().maxRegression());
    assertEquals(
        "1",
        load("target.task=classification", "target.positive-class=1").target().positiveClass(),
        "a number is the label's text");
    assertEquals(
        "bad",
        load(
                "target.task=classification",
                "target.classes=[good, bad]",
                "target.positive-class=bad")
            .target()
            .positiveClass());
    assertEquals(
        "Invalid configuration: target.positive-class: expected null (unset) for task = regression, found string \"bad\" (--set target.positive-class=bad)",
        error("target.positive-class=bad"));
    assertEquals(
        "Invalid configuration: target.positive-class: expected one of target.classes [good, bad], found string \"Bad\" (--set target.positive-class=Bad)",
        error(
            "target.task=classification",
            "target.classes=[good, bad]",
            "target.positive-class=Bad"));
    assertEquals(
        "Invalid configuration: target.positive-class: expected null (unset) unless target.classes lists exactly 2 classes (a positive class belongs to a binary task), "
            + "found string \"a\" (--set target.positive-class=a)",
        error("target.task=classification", "target.classes=[a, b, c]", "target.positive-class=a"));
    assertEquals(
        0.0, load("schedule.promotion.max-regression=0").schedule().promotion().maxRegression());
    assertEquals(
        "Invalid configuration: schedule.promotion.max-regression: expected a number in [0, 1], found number -0.1 (--set schedule.promotion.max-regression=-0.1)",
        error("schedule.promotion.max-regression=-0.1"));
  }

  private static String defaultsUrl() {
    return ConfigLoader.class
        .getClassLoader()
        .getResource(ConfigLoader.DEFAULTS_RESOURCE)
        .toString();
  }

  @Test
  void numericEncodingsAndDateInference() {
    DlpipeConfig c =
        load(
            "etl.normalize.numeric-encoding=piecewise-linear",
            "etl.normalize.numeric-encoding-columns.Lot_Area=periodic",
            "etl.infer.dates=false");
    assertEquals(EtlConfig.NumericEncoding.PIECEWISE_LINEAR, c.etl().normalize().numericEncoding());
    assertEquals(EtlConfig.NumericEncoding.PERIODIC, c.etl().normalize().encodingOf("Lot_Area"));
    assertEquals(
        EtlConfig.NumericEncoding.PIECEWISE_LINEAR, c.etl().normalize().encodingOf("Gr_Liv_Area"));
    assertEquals(16, c.etl().normalize().bins());
    assertFalse(c.etl().infer().dates());
    assertTrue(load().etl().infer().dates());
    assertEquals(
        EtlConfig.NumericEncoding.PIECEWISE_LINEAR, load().etl().normalize().numericEncoding());
    assertEquals(
        "Invalid configuration: etl.normalize.numeric-encoding: expected one of standardize | piecewise-linear | periodic, found string \"ple\" (--set etl.normalize.numeric-encoding=ple)",
        error("etl.normalize.numeric-encoding=ple"));
    assertEquals(
        "Invalid configuration: etl.normalize.numeric-encoding-columns.x: expected one of standardize | piecewise-linear | periodic, found string \"log\" (--set etl.normalize.numeric-encoding-columns.x=log)",
        error("etl.normalize.numeric-encoding-columns.x=log"));
    assertEquals(
        "Invalid configuration: etl.normalize.piecewise-linear-bins: expected an integer in [2, 256], found number 1 (--set etl.normalize.piecewise-linear-bins=1)",
        error("etl.normalize.piecewise-linear-bins=1"));
  }

  @Test
  void badSetSyntaxIsAUsageError() {
    assertEquals("Invalid --set 'novalue': expected key=value, found no key", error("novalue"));
  }

  @Test
  void missingConfFileIsAUsageError() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.conf"), List.of()));
    assertEquals(
        "Config file not found: " + dir.resolve("nope.conf") + " (given with --conf)",
        e.getMessage());
  }

  @Test
  void secretsAreMaskedWhenRendered() {
    DlpipeConfig c =
        load(
            "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=hunter2",
            "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=AKIA123");
    String text = c.renderMasked();
    assertFalse(text.contains("hunter2"), text);
    assertFalse(text.contains("AKIA123"), text);
    assertTrue(text.contains("\"spark.hadoop.fs.s3a.secret.key\"=\"****\""), text);
    assertTrue(text.contains("path=\"/data/raw.csv\""), text);
  }

  @Test
  void everyShippedConfigLoads() throws IOException {
    Path root = Path.of(System.getProperty("dlpipe.project.dir", ".")).resolve("conf");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    assertTrue(files.size() >= 2, "conf/ holds the examples: " + files);
    for (Path f : files) {
      // With a date, as a scheduler runs them: daily.conf takes its input partition from it; the
      // others ignore it.
      DlpipeConfig c = ConfigLoader.load(f, List.of(), "2026-11-28");
      assertFalse(
          c.input().isTable() ? c.input().table().isBlank() : c.input().path().isBlank(),
          f.toString());
    }
  }
}
