package io.dlpipe.testing;

import io.dlpipe.yarn.YarnPreflight;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN on this machine for the integration tests: a MiniDFSCluster, one ResourceManager with
 * the CapacityScheduler (queues {@code default} and {@code nightly}) and two NodeManagers, every
 * port on loopback; the client configuration a user's {@code HADOOP_CONF_DIR} would hold is written
 * to {@link #confDir()}. Containers are real processes launched by the NodeManagers.
 *
 * <p>Sizes are small because the machine is shared: each NodeManager offers {@link #NODE_MB} MiB
 * and one {@code yarn.io/gpu}, and the largest container is {@link #MAX_CONTAINER_MB} MiB.
 */
public final class MiniYarn implements AutoCloseable {
  /** Memory each NodeManager offers. */
  public static final int NODE_MB = 4096;

  /** yarn.scheduler.maximum-allocation-mb: the largest container the scheduler grants. */
  public static final int MAX_CONTAINER_MB = 3072;

  /** The second queue's share of the cluster, in percent ({@code default} has the rest). */
  public static final int NIGHTLY_PERCENT = 40;

  private final MiniDFSCluster hdfs;
  private final MiniYARNCluster yarn;
  private final Path confDir;

  private MiniYarn(MiniDFSCluster hdfs, MiniYARNCluster yarn, Path confDir) {
    this.hdfs = hdfs;
    this.yarn = yarn;
    this.confDir = confDir;
  }

  /**
   * Starts HDFS and YARN with their state under {@code baseDir} and writes the client configuration
   * to {@code baseDir/conf}.
   */
  public static MiniYarn start(Path baseDir) throws IOException {
    MiniDFSCluster hdfs = MiniHdfs.start(baseDir.resolve("hdfs"));
    MiniYARNCluster yarn = null;
    try {
      YarnConfiguration conf = new YarnConfiguration();
      conf.set("fs.defaultFS", hdfs.getURI().toString());
      conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
      conf.setInt(YarnConfiguration.NM_PMEM_MB, NODE_MB);
      conf.setInt(YarnConfiguration.NM_VCORES, 4);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, MAX_CONTAINER_MB);
      // A JVM reserves far more virtual memory than it uses; real clusters turn this check off too.
      conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
      // The disk is shared with other builds; a full-looking disk would mark the nodes unhealthy.
      conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.0f);
      // Containers start $JAVA_HOME/bin/java: what a cluster's hadoop-env.sh sets for every
      // container.
      conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
      conf.set("yarn.scheduler.capacity.root.queues", "default,nightly");
      conf.set(
          "yarn.scheduler.capacity.root.default.capacity", String.valueOf(100 - NIGHTLY_PERCENT));
      conf.set("yarn.scheduler.capacity.root.nightly.capacity", String.valueOf(NIGHTLY_PERCENT));
      conf.set("yarn.scheduler.capacity.root.nightly.maximum-capacity", "100");
      conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
      // One user may grow the queue to the whole cluster when it is idle (the default, 1, stops a
      // user at the queue's 40%, and the second executor would wait for ever).
      conf.set(
          "yarn.scheduler.capacity.root.nightly.user-limit-factor",
          String.valueOf(100.0 / NIGHTLY_PERCENT));
      // One small test application may take the whole queue for its application masters.
      conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
      // GPUs as YARN 3.1+ schedules them: the yarn.io/gpu resource type, one per NodeManager,
      // and a scheduler that counts more than memory. Without the NodeManagers' GPU plugin there
      // is no device isolation: Spark's discovery script names the address, as on the standalone
      // test.
      conf.set("yarn.resource-types", YarnPreflight.GPU);
      conf.set("yarn.nodemanager.resource-type." + YarnPreflight.GPU, "1");
      conf.set(
          "yarn.scheduler.capacity.resource-calculator",
          "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator");
      yarn = new MiniYARNCluster("dlpipe-yarn-it", 2, 1, 1);
      yarn.init(conf);
      yarn.start();
      try {
        if (!yarn.waitForNodeManagersToConnect(60_000)) {
          throw new IOException(
              "the NodeManagers did not register with the ResourceManager in 60 s");
        }
      } catch (org.apache.hadoop.yarn.exceptions.YarnException | InterruptedException e) {
        throw new IOException("the NodeManagers did not register: " + e.getMessage(), e);
      }
      Path confDir = Files.createDirectories(baseDir.resolve("conf"));
      Configuration core = new Configuration(false);
      core.set("fs.defaultFS", hdfs.getURI().toString());
      write(core, confDir.resolve("core-site.xml"));
      Configuration site = new Configuration(false);
      // The addresses the ResourceManager actually bound (ports are chosen at start).
      for (java.util.Map.Entry<String, String> e : yarn.getConfig()) {
        if (e.getKey().startsWith("yarn.resourcemanager.") && e.getKey().endsWith("address")) {
          site.set(e.getKey(), e.getValue());
        }
      }
      // Clients must know the resource types too, or a request for yarn.io/gpu is refused.
      site.set("yarn.resource-types", YarnPreflight.GPU);
      write(site, confDir.resolve("yarn-site.xml"));
      return new MiniYarn(hdfs, yarn, confDir);
    } catch (IOException | RuntimeException e) {
      if (yarn != null) {
        yarn.stop();
      }
      hdfs.shutdown();
      throw e;
    }
  }

  private static void write(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }

  /** The folder to give as {@code HADOOP_CONF_DIR}. */
  public Path confDir() {
    return confDir;
  }

  /** hdfs://host:port of the NameNode. */
  public String hdfsUri() {
    return hdfs.getURI().toString();
  }

  public FileSystem fileSystem() throws IOException {
    return hdfs.getFileSystem();
  }

  /** The running cluster's configuration, as its daemons see it. */
  public Configuration config() {
    return yarn.getConfig();
  }

  public MiniYARNCluster yarn() {
    return yarn;
  }

  @Override
  public void close() {
    yarn.stop();
    hdfs.shutdown();
  }
}
