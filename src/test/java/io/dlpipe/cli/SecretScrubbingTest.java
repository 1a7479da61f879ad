package io.dlpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.ExitCodes;
import io.dlpipe.testing.CliRun;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real failures whose exceptions carry a secret value, in a dlpipe JVM of its own whose stdout and
 * stderr (the log, as a scheduler keeps it) go to files: the error line, the --verbose trace and
 * every log line show {@code ****} where the value was, and the value is nowhere in either file.
 * Nothing is thrown by the test: Hadoop's S3A and credential-provider code build the messages.
 */
class SecretScrubbingTest {
  @TempDir Path tmp;

  private record Outcome(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /**
   * A credential provider path with a typo in its scheme: S3A looks up its keys through it when the
   * file system starts, and Hadoop's error quotes the whole value. The value reaches dlpipe as a
   * secret Hadoop setting of the config (spark.conf), or only as a JVM system property (as
   * spark-submit passes spark.hadoop.* settings), which the dlpipe configuration never sees.
   */
  @Test
  void aCredentialProviderPathQuotedByHadoopIsScrubbedFromTheErrorTheTraceAndTheLog()
      throws Exception {
    String secret = "jcesk://file/etc/dlpipe/s3-prod-7Hq2xVw9.jceks";
    String expectedCause =
        "Caused by: java.io.IOException: No CredentialProviderFactory for **** in hadoop.security.credential.provider.path";

    Outcome fromConfig =
        dlpipe(
            List.of(),
            "etl",
            "--verbose",
            "--set",
            "input.path=s3a://dlpipe-raw/raw.csv",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=" + tmp.resolve("ws1"),
            "--set",
            "spark.conf.\"spark.hadoop.hadoop.security.credential.provider.path\"=\""
                + secret
                + "\"");
    assertEquals(ExitCodes.FAILURE, fromConfig.code(), fromConfig.err());
    assertTrue(
        fromConfig
            .err()
            .contains(
                "\ndlpipe: failed: java.io.UncheckedIOException: cannot resolve s3a://dlpipe-raw/raw.csv\n"),
        fromConfig.err());
    assertTrue(fromConfig.err().lines().anyMatch(expectedCause::equals), fromConfig.err());
    // Hadoop's own warning, with its trace under --verbose, went through the log layout.
    assertTrue(
        fromConfig
            .err()
            .contains(
                "WARN  FileSystem: Failed to initialize fileystem s3a://dlpipe-raw/raw.csv: java.io.IOException: Cannot find password option"),
        fromConfig.err());
    assertFalse(fromConfig.all().contains(secret), "the secret value is in the output");
    assertFalse(
        fromConfig.all().contains("7Hq2xVw9"), "a part of the secret value is in the output");

    Outcome fromHadoop =
        dlpipe(
            List.of("-Dspark.hadoop.hadoop.security.credential.provider.path=" + secret),
            "etl",
            "--verbose",
            "--set",
            "input.path=s3a://dlpipe-raw/raw.csv",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=" + tmp.resolve("ws2"));
    assertEquals(ExitCodes.FAILURE, fromHadoop.code(), fromHadoop.err());
    assertTrue(fromHadoop.err().lines().anyMatch(expectedCause::equals), fromHadoop.err());
    assertFalse(
        fromHadoop.all().contains("7Hq2xVw9"), "a part of the secret value is in the output");
  }

  /**
   * Keys written into an s3a:// URL (which Hadoop 3 refuses): Hadoop's warning quotes the URL with
   * the secret key percent-encoded once more, which no value in the configuration equals; the
   * {@code scheme://user:password@} rule of the masker still hides it.
   */
  @Test
  void keysInAnS3aUrlAreScrubbedFromHadoopsWarningAndTheError() throws Exception {
    String access = "AKIAIOSFODNN7EXAMPLE";
    String secret = "wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY";
    Outcome o =
        dlpipe(
            List.of(),
            "etl",
            "--set",
            "input.path=\"s3a://" + access + ":" + secret + "@dlpipe-raw/raw.csv\"",
            "--set",
            "target.column=y",
            "--set",
            "target.task=regression",
            "--set",
            "output.dir=" + tmp.resolve("ws"));
    assertEquals(ExitCodes.FAILURE, o.code(), o.err());
    assertTrue(
        o.err()
            .contains(
                " WARN  FileSystem: Failed to initialize fileystem s3a://****@dlpipe-raw/raw.csv: java.lang.IllegalArgumentException: The Filesystem URI "
                    + "contains login details. This authentication mechanism is no longer supported.\n"),
        o.err());
    assertTrue(
        o.err()
            .contains(
                "\ndlpipe: failed: java.lang.IllegalArgumentException: The Filesystem URI contains login details. This authentication mechanism is no "
                    + "longer supported.\n"),
        o.err());
    for (String part : new String[] {access, "wJalrXUtnFEMI", "bPxRfiCYEXAMPLEKEY"}) {
      assertFalse(o.all().contains(part), part + " is in the output");
    }
  }

  /**
   * A whole {@code run} whose configuration holds credentials (unused by local files, as they are
   * when one config serves several inputs): no file it writes (model.json, run-summary.json,
   * report.html, metrics, the Parquet) and none of its output holds a value.
   */
  @Test
  void noFileARunWritesHoldsASecretValue() throws Exception {
    io.dlpipe.testing.TestSpark.get();
    String secret = "s3cr3t-QpW7ZxR2vN8k";
    String token = "sessiontoken-9fJ2mXq";
    Path ws = tmp.resolve("ws");
    CliRun.Outcome run =
        CliRun.run(
            "run",
            "--set",
            "input.path=" + io.dlpipe.testing.TestData.credit(),
            "--set",
            "target.column=Status",
            "--set",
            "target.task=classification",
            "--set",
            "output.dir=" + ws,
            "--set",
            "train.epochs=1",
            "--set",
            "train.model.hidden-layers=[8]",
            "--set",
            "train.approach=direct",
            "--set",
            "evaluate.importance.sample-rows=200",
            "--set",
            "evaluate.importance.repeats=1",
            "--set",
            "spark.conf.\"spark.hadoop.fs.s3a.bucket.other.secret.key\"=" + secret,
            "--set",
            "spark.conf.\"spark.hadoop.fs.s3a.bucket.other.session.token\"=" + token);
    assertEquals(ExitCodes.OK, run.code(), run.err());
    List<String> checked = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.walk(ws)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(secret) || bytes.contains(token), f + " holds a secret value");
        checked.add(ws.relativize(f).toString());
      }
    }
    for (String f :
        List.of(
            "run-summary.json",
            "model/model.json",
            "evaluation/report.html",
            "evaluation/metrics.json",
            "prepared/etl-summary.json")) {
      assertTrue(checked.contains(f), f + " was written and checked: " + checked);
    }
    // The provenance keeps the key, masked, so a reader knows it was set.
    assertTrue(
        Files.readString(ws.resolve("model/model.json")).contains("****"),
        "model.json shows the masked key");
    assertFalse(run.err().contains(secret) || run.err().contains(token));
  }

  /**
   * Issue 19.4: secrets planted through every channel (the config file, --set, environment
   * substitution, a URL's user:password and a JDBC URL's password parameter, under key names that
   * are secret and under names that are not) are in no file a whole run writes, not in its log or
   * console, not in the output of {@code config}, and not in Spark's event log.
   */
  @Test
  void secretsPlantedThroughEveryChannelReachNoFileNoLogAndNotSparksEventLog() throws Exception {
    Map<String, String> planted = new java.util.LinkedHashMap<>();
    planted.put("config file, secret key name", "PlantFilePwd-1a");
    planted.put("--set, secret key name", "PlantSetPass-2b");
    planted.put("config file, JDBC password parameter", "PlantJdbcPw-3c");
    planted.put("environment, URL password", "PlantUrlPw-4d");
    planted.put("environment, URL user", "plantmirroruser");
    planted.put("environment, secret key name", "PlantEnvTok-5e");
    Path events = Files.createDirectories(tmp.resolve("events"));
    Path conf = tmp.resolve("job.conf");
    Files.writeString(
        conf,
        "spark.conf {\n"
            + "  \"spark.executorEnv.DB_PWD\" = \"PlantFilePwd-1a\"\n"
            + "  \"spark.hadoop.javax.jdo.option.ConnectionURL\" = \"jdbc:mysql://db/metastore?user=hive&password=PlantJdbcPw-3c\"\n"
            + "  \"spark.executorEnv.MIRROR_URL\" = ${?PLANT_MIRROR}\n"
            + "  \"spark.executorEnv.API_TOKEN\" = ${?PLANT_TOKEN}\n"
            + "  \"spark.eventLog.enabled\" = \"true\"\n"
            + "  \"spark.eventLog.dir\" = \""
            + events.toUri()
            + "\"\n"
            + "}\n");
    Map<String, String> env =
        Map.of(
            "PLANT_MIRROR",
            "https://plantmirroruser:PlantUrlPw-4d@mirror.example.com/pkgs",
            "PLANT_TOKEN",
            "PlantEnvTok-5e");
    Path ws = tmp.resolve("ws");
    List<String> args =
        List.of(
            "--conf",
            conf.toString(),
            "--set",
            "input.path=" + io.dlpipe.testing.TestData.credit(),
            "--set",
            "target.column=Status",
            "--set",
            "target.task=classification",
            "--set",
            "output.dir=" + ws,
            "--set",
            "train.epochs=1",
            "--set",
            "train.model.hidden-layers=[8]",
            "--set",
            "train.approach=direct",
            "--set",
            "evaluate.importance.sample-rows=200",
            "--set",
            "evaluate.importance.repeats=1",
            "--set",
            "spark.conf.\"spark.executorEnv.DB_PASS\"=PlantSetPass-2b");
    List<String> runArgs = new ArrayList<>(List.of("run"));
    runArgs.addAll(args);
    Outcome run = dlpipe(List.of(), env, runArgs.toArray(new String[0]));
    assertEquals(ExitCodes.OK, run.code(), run.err());
    List<String> configArgs = new ArrayList<>(List.of("config"));
    configArgs.addAll(args);
    Outcome config = dlpipe(List.of(), env, configArgs.toArray(new String[0]));
    assertEquals(ExitCodes.OK, config.code(), config.err());
    assertTrue(
        config.out().contains("\"jdbc:mysql://db/metastore?user=hive&password=****\""),
        config.out());
    assertTrue(config.out().contains("\"https://****@mirror.example.com/pkgs\""), config.out());

    List<Path> files = new ArrayList<>();
    for (Path root : List.of(ws, events)) {
      try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
        files.addAll(walk.filter(Files::isRegularFile).toList());
      }
    }
    List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
    for (String f :
        List.of(
            "run-summary.json", "model.json", "report.html", "metrics.json", "etl-summary.json")) {
      assertTrue(names.contains(f), f + " was written and is checked: " + names);
    }
    assertTrue(
        files.stream().anyMatch(f -> f.startsWith(events)), "Spark wrote an event log: " + names);
    String eventLog =
        Files.readString(
            files.stream().filter(f -> f.startsWith(events)).findFirst().orElseThrow(),
            StandardCharsets.UTF_8);
    assertTrue(
        eventLog.contains("\"spark.executorEnv.DB_PWD\":\"*********(redacted)\""),
        "the event log names the key, redacted");
    assertTrue(
        eventLog.contains("\"spark.executorEnv.MIRROR_URL\":\"*********(redacted)\""),
        "redacted by its value");
    for (Map.Entry<String, String> secret : planted.entrySet()) {
      for (Path f : files) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(
            bytes.contains(secret.getValue()),
            f + " holds the secret planted through " + secret.getKey());
      }
      assertFalse(
          run.all().contains(secret.getValue()),
          "the run's console or log holds the secret planted through " + secret.getKey());
      assertFalse(
          config.all().contains(secret.getValue()),
          "dlpipe config prints the secret planted through " + secret.getKey());
    }
  }

  /** The command line in a JVM of its own on this test's class path; stdout and stderr to files. */
  private Outcome dlpipe(List<String> jvmOptions, String... args) throws Exception {
    return dlpipe(jvmOptions, Map.of(), args);
  }

  private Outcome dlpipe(List<String> jvmOptions, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--set", "spark.master=local[1]"));
    Path out = Files.createTempFile(tmp, "stdout", ".txt");
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "timed out: " + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new Outcome(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
