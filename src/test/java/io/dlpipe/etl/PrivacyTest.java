package io.dlpipe.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ConfigException;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.InputConfig;
import io.dlpipe.config.PrivacyConfig;
import io.dlpipe.spark.Columns;
import io.dlpipe.testing.Frames;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyTest {
  static final String SALT = "0123456789abcdef-salt";

  /** sha256sum of SALT + "alice@example.com", computed outside Java. */
  static final String ALICE = "5a3801471b7870eec857e49b92440cd1a86ce7d72079f2f4fbd11a1c98fc87cf";

  /** sha256sum of SALT + "bob@example.org". */
  static final String BOB = "a85ccd7525838c2c4e5f05ff77bc1e5c7ce1722f9bb5278c35825ecf42177332";

  @TempDir Path tmp;

  private final SparkSession spark = TestSpark.get();

  private static DlpipeConfig config(Map<String, String> env, String... extra) {
    return TestConfig.of("/in.csv", "y", "regression", "/ws").set(extra).env(env).load();
  }

  private static String configError(Map<String, String> env, String... extra) {
    ConfigException e = assertThrows(ConfigException.class, () -> config(env, extra));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    return e.getMessage();
  }

  @Test
  void hashingNeedsALongEnoughSaltAndNeverTouchesTheTarget() {
    assertEquals(
        "Invalid configuration: privacy.hash-columns: expected the environment variable DLPIPE_PII_SALT to hold the salt of the hashes, "
            + "found it unset (--set privacy.hash-columns=[email])",
        configError(Map.of(), "privacy.hash-columns=[email]"));
    assertEquals(
        "Invalid configuration: privacy.hash-columns: expected DLPIPE_PII_SALT to hold at least 16 characters, found 5 "
            + "(a short salt makes hashed values easy to guess)",
        configError(Map.of("DLPIPE_PII_SALT", "short"), "privacy.hash-columns=[email]"));
    assertEquals(
        "Invalid configuration: privacy.drop-columns: expected columns other than the target y (the model must see the target), "
            + "found list [\"y\"] (--set privacy.drop-columns=[y])",
        configError(Map.of(), "privacy.drop-columns=[y]"));
    assertEquals(
        "Invalid configuration: privacy.hash-columns: expected no column also listed in privacy.drop-columns, found email in both, "
            + "found list [\"email\"] (--set privacy.hash-columns=[email])",
        configError(
            Map.of("DLPIPE_PII_SALT", SALT),
            "privacy.drop-columns=[email]",
            "privacy.hash-columns=[email]"));
    PrivacyConfig p =
        config(
                Map.of("DLPIPE_PII_SALT", SALT),
                "privacy.hash-columns=[email]",
                "privacy.drop-columns=[name]")
            .privacy();
    assertEquals(new PrivacyConfig(List.of("name"), List.of("email"), SALT), p);
    assertEquals("PrivacyConfig[dropColumns=[name], hashColumns=[email], salt=****]", p.toString());
    assertFalse(
        config(Map.of("DLPIPE_PII_SALT", SALT), "privacy.hash-columns=[email]")
            .renderMasked()
            .contains(SALT));
  }

  @Test
  void cellsHashWithTheSaltAndMissingCellsStayMissing() {
    Privacy.Cells cells = new Privacy.Cells(SALT, List.of("", "NA"));
    assertEquals(ALICE, cells.call("alice@example.com"));
    assertEquals(BOB, cells.call("bob@example.org"));
    assertEquals("NA", cells.call("NA"));
    assertEquals(" ", cells.call(" "));
    assertEquals(null, cells.call(null));
  }

  @Test
  void malformedLinesAreRebuiltWithThePrivateFieldsHashedOrDropped() {
    InputConfig input = config(Map.of()).input();
    Privacy.Lines lines =
        new Privacy.Lines(
            new Privacy.Cells(SALT, input.nullValues()),
            input,
            List.of("id", "email", "name", "x", "y"),
            Set.of("name"),
            Set.of("email"));
    assertEquals(
        "1," + ALICE + ",3.5,10", lines.call("1,alice@example.com,\"Smith, Alice\",3.5,10"));
    assertEquals(
        "2," + BOB + ",x,\"1\"\"5\"\n".strip(),
        lines.call("2,\"bob@example.org\",Bob,x,\"1\"\"5\"\n"));
    assertEquals("3,NA,4,5", lines.call("3,NA,Carol,4,5"), "a missing cell keeps its text");
    assertEquals(
        Privacy.WITHHELD,
        lines.call("4,dan@example.com,Dan,1,2,extra"),
        "fields cannot be attributed to columns");
    assertEquals(Privacy.WITHHELD, lines.call("5,\"eve@example.com,Eve,1,2"), "an open quote");
    assertEquals(null, lines.call(null));
  }

  @Test
  void theFrameLosesDroppedColumnsAndHashesTheOthersInPlace() {
    DlpipeConfig cfg =
        config(
            Map.of("DLPIPE_PII_SALT", SALT),
            "privacy.hash-columns=[email]",
            "privacy.drop-columns=[name]");
    Dataset<Row> raw =
        Frames.raw(
            new String[] {"id", "email", "name", "y"},
            new String[] {"1", "alice@example.com", "Alice", "10"},
            new String[] {"2", "", "Bob", "11"},
            new String[] {"3", null, null, null, "3,bob@example.org,Bob,12"});
    Dataset<Row> out = Privacy.apply(raw, cfg.privacy(), cfg.input(), true);
    assertEquals(
        List.of("id", "email", "y", Columns.CORRUPT, Columns.SOURCE), Arrays.asList(out.columns()));
    List<Row> rows = out.orderBy("id").collectAsList();
    assertEquals(
        List.of("1", ALICE, "10"),
        List.of(rows.get(0).getString(0), rows.get(0).getString(1), rows.get(0).getString(2)));
    assertEquals("", rows.get(1).getString(1));
    assertEquals("3," + BOB + ",12", rows.get(2).getString(3));

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Privacy.apply(
                    raw,
                    config(Map.of(), "privacy.drop-columns=[e_mail]").privacy(),
                    cfg.input(),
                    true));
    assertEquals(
        "Invalid configuration: privacy.drop-columns: expected columns of the input, found 'e_mail', which /in.csv does not have "
            + "(its columns: [id, email, name, y])",
        e.getMessage());
    assertEquals(
        6,
        Privacy.apply(
                raw,
                config(Map.of(), "privacy.drop-columns=[e_mail]").privacy(),
                cfg.input(),
                false)
            .columns()
            .length,
        "predict: a column the new data lacks is nothing to drop");
  }

  @Test
  void noPersonalValueReachesAnythingEtlWrites() throws Exception {
    StringBuilder csv = new StringBuilder("id,email,name,x,city,y\n");
    for (int i = 1; i <= 40; i++) {
      csv.append(i)
          .append(",user")
          .append(i)
          .append("@example.com,Person Number")
          .append(i)
          .append(',')
          .append(i * 1.5)
          .append(',')
          .append(List.of("Ames", "Boone", "Story").get(i % 3))
          .append(',')
          .append(3 * i + i % 4)
          .append('\n');
    }
    csv.append(
        "41,alice@example.com,Person Alice,abc,Ames,7\n"); // unparseable_numeric: the cells are
    // re-rendered
    csv.append("42,bob@example.org,Person Bob,1\n"); // too few fields: malformed_row, its raw text
    // withheld (its cells cannot be told apart)
    Path input = tmp.resolve("people.csv");
    Files.writeString(input, csv);
    Path ws = tmp.resolve("ws");
    List<String> sets =
        List.of(
            "input.path=" + input,
            "target.column=y",
            "target.task=regression",
            "output.dir=" + ws,
            "etl.max-reject-ratio=0.1",
            "privacy.hash-columns=[email]",
            "privacy.drop-columns=[name]",
            "input.columns.email=categorical",
            "etl.write.compression=none");
    DlpipeConfig cfg = ConfigLoader.load(null, sets, Map.of("DLPIPE_PII_SALT", SALT));

    // Uncompressed Parquet, so that scanning the bytes below would find a leaked value.
    String codec = spark.conf().get("spark.sql.parquet.compression.codec");
    spark.conf().set("spark.sql.parquet.compression.codec", "uncompressed");
    EtlResult result;
    try {
      result = new EtlJob(spark, cfg).run();
    } finally {
      spark.conf().set("spark.sql.parquet.compression.codec", codec);
    }

    assertEquals(42, result.summary().rowsRead());
    List<Row> quarantine =
        spark
            .read()
            .parquet(ws.resolve("prepared/quarantine").toString())
            .orderBy(Columns.Q_REASON)
            .collectAsList();
    assertEquals(2, quarantine.size());
    assertEquals("malformed_row", quarantine.get(0).getAs(Columns.Q_REASON));
    assertEquals(
        "[withheld by privacy settings: malformed row]", quarantine.get(0).getAs(Columns.Q_RAW));
    assertEquals("unparseable_numeric", quarantine.get(1).getAs(Columns.Q_REASON));
    assertEquals("41," + ALICE + ",abc,Ames,7", quarantine.get(1).getAs(Columns.Q_RAW));

    String transform = Files.readString(ws.resolve("prepared/transform.json"));
    assertTrue(
        transform.contains(new Privacy.Cells(SALT, List.of()).call("user1@example.com")),
        "the vocabulary holds hashes");
    assertEquals(
        List.of("id", "email", "x", "city", "y"),
        result.transform().columns().stream().map(ColumnSpec::name).toList(),
        "a dropped column is not even named");
    for (Path f : allFiles(ws)) {
      String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertFalse(
          text.contains("example.") || text.contains("Person") || text.contains(SALT),
          f + " holds a personal value or the salt");
    }
  }

  private static List<Path> allFiles(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }
}
