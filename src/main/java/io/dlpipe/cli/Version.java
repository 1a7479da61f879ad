package io.dlpipe.cli;

import picocli.CommandLine;

/** Versions of dlpipe and the stack it runs on, for --version and bug reports. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String own = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "dlpipe " + (own == null ? "(development build)" : own),
      "Spark "
          + org.apache.spark.package$.MODULE$.SPARK_VERSION()
          + ", Scala "
          + scala.util.Properties.versionNumberString(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
