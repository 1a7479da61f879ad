package io.dlpipe.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Versions and source revision of the running driver, for provenance. */
public final class BuildInfo {
  private BuildInfo() {}

  static String dlpipeVersion() {
    String v = BuildInfo.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  static Map<String, String> versions() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    v.put("scala", scala.util.Properties.versionNumberString());
    v.put("dl4j", mavenVersion("org.deeplearning4j", "deeplearning4j-nn"));
    v.put("nd4j", mavenVersion("org.nd4j", "nd4j-api"));
    v.put(
        "java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    return v;
  }

  /**
   * The version of a Maven artifact on the class path, from its pom.properties; "unknown" when
   * absent.
   */
  public static String mavenVersion(String group, String artifact) {
    String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The commit checked out in the working directory, or null outside a git working copy. */
  static String gitCommit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return null;
      }
      String commit = new String(out, StandardCharsets.UTF_8).trim();
      return commit.matches("[0-9a-f]{40,64}") ? commit : null;
    } catch (IOException e) {
      return null; // no git on this machine
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
