package io.dlpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dlpipe.DataException;
import io.dlpipe.Digests;
import io.dlpipe.ExitCodes;
import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.Privacy;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.io.Json;
import io.dlpipe.testing.TestConfig;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.ModelProvenance;
import io.dlpipe.train.TrainJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model_id, bundle validation and privacy in predict, on one tiny model trained once on data with a
 * hashed e-mail column and a dropped name column.
 */
class ModelBundleTest {
  static final String SALT = "0123456789abcdef-salt";
  @TempDir static Path tmp;
  private static Path ws;
  private static DlpipeConfig cfg;

  private final SparkSession spark = TestSpark.get();

  private static String people(int from, int to) {
    StringBuilder csv = new StringBuilder("email,name,x,city,y\n");
    for (int i = from; i <= to; i++) {
      csv.append("user")
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
    return csv.toString();
  }

  private static DlpipeConfig config(Path input, Path workspace) {
    return TestConfig.of(input, "y", "regression", workspace)
        .set(
            "privacy.hash-columns=[email]",
            "privacy.drop-columns=[name]",
            "input.columns.email=categorical",
            "train.epochs=2",
            "train.model.hidden-layers=[8]",
            "train.approach=direct",
            "evaluate.importance.enabled=false")
        .env(Map.of("DLPIPE_PII_SALT", SALT))
        .load();
  }

  @BeforeAll
  static void trainOnce() throws Exception {
    Path input = tmp.resolve("train.csv");
    Files.writeString(input, people(1, 200));
    ws = tmp.resolve("ws");
    cfg = config(input, ws);
    new EtlJob(TestSpark.get(), cfg).run();
    new TrainJob(TestSpark.get(), cfg).run(true);
  }

  private ModelBundle open(DlpipeConfig c) {
    return ModelBundle.open(
        new HadoopFiles(spark.sparkContext().hadoopConfiguration()),
        spark.sparkContext().hadoopConfiguration(),
        c);
  }

  @Test
  void modelIdIsTheDigestOfModelZipAsWrittenAndTheSameOnEveryOpen() throws Exception {
    String expected = Digests.sha256(Files.readAllBytes(ws.resolve("model/model.zip")));
    JsonNode provenance = Json.MAPPER.readTree(Files.readString(ws.resolve("model/model.json")));
    assertEquals(ModelProvenance.FORMAT_VERSION, provenance.get("format_version").asInt());
    assertEquals(expected, provenance.get("model_id").asText());
    assertEquals(expected, open(cfg).modelId());
    assertEquals(expected, open(cfg).modelId());
    assertFalse(provenance.get("config").toString().contains(SALT));
  }

  @Test
  void predictHashesLikeEtlAndStampsTheModelId() throws Exception {
    Path input = tmp.resolve("new.csv");
    Files.writeString(input, people(61, 70) + "user71@example.com,Person Number71,abc,Ames,1\n");
    Path out = tmp.resolve("scored");
    // One bad row of 11 is above the default reject ratio; this test is about the hashing.
    DlpipeConfig lenient = ConfigLoader.withValues(cfg, Map.of("etl.max-reject-ratio", 0.2));
    Map<String, Long> counts =
        new PredictJob(spark, lenient, input.toString(), out.toString()).run();
    assertEquals(Map.of("rows_read", 11L, "rows_scored", 10L, "rows_quarantined", 1L), counts);
    List<Row> rows = spark.read().parquet(out.toString()).orderBy("x").collectAsList();
    assertEquals(
        List.of("email", "x", "city", "y", "prediction", "model_id", "scored_at"),
        Arrays.asList(rows.get(0).schema().fieldNames()));
    java.util.Set<String> expected = new java.util.TreeSet<>();
    for (int i = 61; i <= 70; i++) {
      expected.add(Privacy.hash(SALT, "user" + i + "@example.com"));
    }
    assertEquals(
        expected,
        new java.util.TreeSet<>(rows.stream().map(r -> r.<String>getAs("email")).toList()));
    assertEquals(open(cfg).modelId(), rows.get(0).getAs("model_id"));
    assertEquals(1, spark.read().parquet(out.toString()).select("model_id").distinct().count());
    Row q = spark.read().parquet(PredictJob.quarantineOf(out.toString())).first();
    assertEquals(Privacy.hash(SALT, "user71@example.com") + ",abc,Ames,1", q.getAs("raw"));
  }

  /** A copy of the trained workspace, for one tampering. */
  private static DlpipeConfig copy(String name) throws Exception {
    Path target = tmp.resolve(name);
    try (Stream<Path> walk = Files.walk(ws)) {
      for (Path p : walk.toList()) {
        Path to = target.resolve(ws.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return config(tmp.resolve("train.csv"), target);
  }

  private String refused(DlpipeConfig c) {
    DataException e = assertThrows(DataException.class, () -> open(c));
    assertEquals(ExitCodes.DATA, e.exitCode());
    return e.getMessage();
  }

  @Test
  void aTamperedModelZipIsRefused() throws Exception {
    DlpipeConfig c = copy("tampered-zip");
    Path zip = Path.of(c.output().dir(), "model/model.zip");
    byte[] bytes = Files.readAllBytes(zip);
    bytes[bytes.length / 2] ^= 1;
    Files.write(zip, bytes);
    assertEquals(
        "Refusing "
            + zip
            + ": its SHA-256 "
            + Digests.sha256(bytes)
            + " is not the model_id "
            + Digests.sha256(Files.readAllBytes(ws.resolve("model/model.zip")))
            + " recorded in model.json. It was modified after training, or it belongs to another model; retrain, or restore the bundle",
        refused(c));
  }

  @Test
  void aForeignZipIsRefusedEvenWithAMatchingId() throws Exception {
    DlpipeConfig c = copy("foreign-zip");
    Path zip = Path.of(c.output().dir(), "model/model.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("weights.h5"));
      out.write("not a dl4j model".getBytes(StandardCharsets.UTF_8));
    }
    Path json = Path.of(c.output().dir(), "model/model.json");
    ObjectNode provenance = (ObjectNode) Json.MAPPER.readTree(Files.readString(json));
    provenance.put("model_id", Digests.sha256(Files.readAllBytes(zip)));
    Files.writeString(json, Json.write(provenance));
    assertEquals(
        "Model "
            + zip
            + " is not a DL4J network: it lacks the entry configuration.json (entries: [weights.h5])",
        refused(c));
  }

  @Test
  void aTamperedTransformIsRefused() throws Exception {
    DlpipeConfig c = copy("tampered-transform");
    Path transform = Path.of(c.output().dir(), "model/transform.json");
    JsonNode t = Json.MAPPER.readTree(Files.readString(transform));
    ((ObjectNode) t.get("numeric").get(0)).put("center", 1234.5);
    Files.writeString(
        transform, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(t) + "\n");
    assertEquals(
        "Refusing "
            + transform
            + ": it is not the transform.json the model was trained with (its SHA-256 differs from transform_sha256 in model.json). "
            + "It was modified after training, or it belongs to another model; retrain, or restore the bundle",
        refused(c));

    ((ObjectNode) t.get("columns").get(0)).put("name", "renamed");
    Files.writeString(
        transform, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(t) + "\n");
    assertEquals(
        "Refusing "
            + transform
            + ": its columns do not match its input_fingerprint. It was modified after training, or it belongs to another model; "
            + "retrain, or restore the bundle",
        refused(c));
  }

  @Test
  void aForeignProvenanceIsRefused() throws Exception {
    DlpipeConfig c = copy("foreign-provenance");
    Path json = Path.of(c.output().dir(), "model/model.json");
    Files.writeString(json, "{\"format_version\": 99}\n");
    assertEquals(
        "Model provenance "
            + json
            + " has format_version 99, but this dlpipe reads versions 1 to 2; it is not a dlpipe model bundle, or one from a newer dlpipe",
        refused(c));
    ObjectNode provenance =
        (ObjectNode) Json.MAPPER.readTree(Files.readString(ws.resolve("model/model.json")));
    provenance.remove("model_id");
    Files.writeString(json, Json.write(provenance));
    assertEquals(
        "Model provenance " + json + " lacks model_id; it is not a complete dlpipe model bundle",
        refused(c));
  }

  @Test
  void nothingTrainWroteHoldsAPersonalValue() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(ws.resolve("model"))) {
      walk.filter(p -> Files.isRegularFile(p) && !p.toString().endsWith(".zip"))
          .forEach(files::add);
    }
    assertTrue(files.size() >= 3, files.toString());
    for (Path f : files) {
      String text = Files.readString(f, StandardCharsets.ISO_8859_1);
      assertFalse(
          text.contains("example.com") || text.contains("Person") || text.contains(SALT),
          f.toString());
    }
  }

  @Test
  void predictWithOtherPrivacyRulesOrAnotherSaltIsAConfigError() {
    DlpipeConfig otherSalt =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=/x",
                "target.column=y",
                "target.task=regression",
                "output.dir=" + ws,
                "privacy.hash-columns=[email]",
                "privacy.drop-columns=[name]"),
            Map.of("DLPIPE_PII_SALT", "another-salt-of-16-chars"));
    io.dlpipe.ConfigException e =
        assertThrows(io.dlpipe.ConfigException.class, () -> open(otherSalt));
    assertEquals(ExitCodes.USAGE, e.exitCode());
    assertEquals(
        "Invalid configuration: DLPIPE_PII_SALT is not the salt the model in "
            + ws.resolve("model/model.json")
            + " was trained with: every hashed value would differ; set the same salt as for etl",
        e.getMessage());
    DlpipeConfig noHash =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=/x",
                "target.column=y",
                "target.task=regression",
                "output.dir=" + ws,
                "privacy.drop-columns=[name]"),
            Map.of());
    e = assertThrows(io.dlpipe.ConfigException.class, () -> open(noHash));
    assertEquals(
        "Invalid configuration: privacy.hash-columns: expected [email], the list the model in "
            + ws.resolve("model/model.json")
            + " was trained with, found []",
        e.getMessage());
  }
}
