package io.dlpipe.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.config.ConfigLoader;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.EtlResult;
import io.dlpipe.eval.PredictJob;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import io.dlpipe.train.TrainJob;
import io.dlpipe.train.TrainResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etl, train and predict with every path on s3a://, against a real S3-compatible server: S3Proxy (a
 * filesystem blob store) started by the test in a JVM of its own on 127.0.0.1. Proves the S3A file
 * system is on the class path, and that Spark's writes go through the S3A magic committer.
 */
class S3aPipelineTest {
  private static final String BUCKET = "dlpipe";
  private static final String ACCESS = "dlpipe-test-access";
  private static final String SECRET = "dlpipe-test-secret-0123456789";

  @TempDir static Path tmp;
  private static Process s3proxy;
  private static String endpoint;

  private final SparkSession spark = TestSpark.get();

  @BeforeAll
  static void startS3Proxy() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    endpoint = "http://127.0.0.1:" + port;
    Path blobs =
        Files.createDirectories(tmp.resolve("blobs").resolve(BUCKET))
            .getParent(); // a folder per bucket
    Path props = tmp.resolve("s3proxy.conf");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS,
            "s3proxy.credential=" + SECRET,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + blobs,
            "jclouds.identity=unused",
            "jclouds.credential=unused",
            ""));
    Path jar = TestData.projectDir().resolve("target/s3proxy/s3proxy.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is copied by the build (process-test-resources)");
    Path log = tmp.resolve("s3proxy.log");
    s3proxy =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                props.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!accepts(port)) {
      if (!s3proxy.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "S3Proxy did not start:\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      Thread.sleep(200);
    }
    Configuration hadoop = TestSpark.get().sparkContext().hadoopConfiguration();
    // Per-bucket settings: nothing else in the shared session is affected.
    String b = "fs.s3a.bucket." + BUCKET + ".";
    hadoop.set(b + "endpoint", endpoint);
    hadoop.set(b + "path.style.access", "true");
    hadoop.set(b + "connection.ssl.enabled", "false");
    hadoop.set(b + "access.key", ACCESS);
    hadoop.set(b + "secret.key", SECRET);
    hadoop.set(
        b + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set(b + "endpoint.region", "us-east-1");
    // S3Proxy 2.1.0 never answers the multi-object DeleteObjects request of this AWS SDK (the call
    // hung on the response): delete one object per request, and keep directory markers (Hadoop
    // 3.3.1+ default for new stores) so that few deletes are needed at all.
    hadoop.set(b + "multiobjectdelete.enable", "false");
    hadoop.set(b + "directory.marker.retention", "keep");
    hadoop.set(b + "attempts.maximum", "3");
    hadoop.set(b + "connection.timeout", "20000");
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3proxy != null) {
      s3proxy.destroy();
      s3proxy.waitFor();
    }
  }

  private FileSystem s3() throws IOException {
    return FileSystem.get(
        java.net.URI.create("s3a://" + BUCKET + "/"), spark.sparkContext().hadoopConfiguration());
  }

  private List<String> list(String dir) throws IOException {
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = s3().listFiles(new org.apache.hadoop.fs.Path(dir), true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toUri().getPath());
    }
    return out;
  }

  @Test
  void etlTrainAndPredictReadAndWriteS3a() throws Exception {
    FileSystem s3 = s3();
    assertEquals("org.apache.hadoop.fs.s3a.S3AFileSystem", s3.getClass().getName());
    try (java.io.OutputStream out =
        s3.create(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/raw/credit.csv"))) {
      Files.copy(TestData.credit(), out);
    }
    DlpipeConfig cfg =
        ConfigLoader.load(
            null,
            List.of(
                "input.path=s3a://" + BUCKET + "/raw/",
                "target.column=Status",
                "target.task=classification",
                "target.classes=[good, bad]",
                "output.dir=s3a://" + BUCKET + "/ws",
                "train.epochs=1",
                "train.model.hidden-layers=[8]",
                "train.approach=direct"),
            Map.of());

    EtlResult etl = new EtlJob(spark, cfg).run();
    long written = etl.summary().totalWritten();
    assertEquals(etl.summary().rowsRead(), written + etl.summary().rowsQuarantined());
    assertEquals(
        written,
        spark
            .read()
            .parquet(
                "s3a://" + BUCKET + "/ws/prepared/train",
                "s3a://" + BUCKET + "/ws/prepared/validation",
                "s3a://" + BUCKET + "/ws/prepared/test")
            .count());
    // Spark's committers write _SUCCESS; an S3A committer's is a JSON manifest that names it.
    String success =
        new String(
            s3.open(
                    new org.apache.hadoop.fs.Path(
                        "s3a://" + BUCKET + "/ws/prepared/train/_SUCCESS"))
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertTrue(success.contains("\"committer\" : \"magic\""), success);

    TrainResult train = new TrainJob(spark, cfg).run(true);
    assertEquals(1, train.provenance().training().epochsRun());
    assertTrue(s3.exists(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/ws/model/model.zip")));

    Map<String, Long> counts =
        new PredictJob(
                spark, cfg, "s3a://" + BUCKET + "/raw/credit.csv", "s3a://" + BUCKET + "/scored")
            .run();
    assertEquals(etl.summary().rowsRead(), counts.get("rows_read"));
    assertEquals(
        counts.get("rows_scored"), spark.read().parquet("s3a://" + BUCKET + "/scored").count());
    assertEquals(
        train.provenance().build().modelId(),
        spark
            .read()
            .parquet("s3a://" + BUCKET + "/scored")
            .select("model_id")
            .first()
            .getString(0));
    List<String> files = list("s3a://" + BUCKET + "/");
    assertFalse(
        files.stream().anyMatch(f -> f.contains("__magic")),
        "the magic committer cleans up: " + files);
  }
}
