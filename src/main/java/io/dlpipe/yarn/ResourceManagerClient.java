package io.dlpipe.yarn;

import io.dlpipe.DlpipeException;
import io.dlpipe.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.api.records.QueueInfo;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * The ResourceManager named by the client configuration in {@code HADOOP_CONF_DIR} (or {@code
 * YARN_CONF_DIR}), as spark-submit finds it. Read-only: it lists queues, nodes and applications and
 * asks for the largest container; it never submits.
 */
public final class ResourceManagerClient implements AutoCloseable {
  /** How long a call waits for an unreachable ResourceManager: the Hadoop default is 15 minutes. */
  static final long CONNECT_WAIT_MS = 15_000;

  private final YarnClient client;
  private final String address;

  private ResourceManagerClient(YarnClient client, String address) {
    this.client = client;
    this.address = address;
  }

  /** Connects with the configuration files of {@code HADOOP_CONF_DIR} / {@code YARN_CONF_DIR}. */
  public static ResourceManagerClient connect(Map<String, String> env) {
    YarnConfiguration conf = new YarnConfiguration();
    List<String> dirs = new ArrayList<>();
    for (String var : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
      String dir = env.get(var);
      if (dir != null && !dir.isBlank()) {
        dirs.add(var + "=" + dir);
        for (String file : List.of("core-site.xml", "hdfs-site.xml", "yarn-site.xml")) {
          Path p = Path.of(dir, file);
          if (Files.isRegularFile(p)) {
            conf.addResource(new org.apache.hadoop.fs.Path(p.toUri()));
          }
        }
      }
    }
    if (dirs.isEmpty()) {
      throw new io.dlpipe.ConfigException(
          "--master yarn needs the cluster's client configuration: set HADOOP_CONF_DIR to the folder with yarn-site.xml");
    }
    // The resource types (yarn.io/gpu) the cluster declares: Hadoop reads them once per JVM from
    // the class path, where this configuration folder is not.
    org.apache.hadoop.yarn.util.resource.ResourceUtils.resetResourceTypes(conf);
    conf.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, CONNECT_WAIT_MS);
    conf.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS, 1_000);
    YarnClient client = YarnClient.createYarnClient();
    client.init(conf);
    client.start();
    return new ResourceManagerClient(
        client,
        conf.get(YarnConfiguration.RM_ADDRESS, YarnConfiguration.DEFAULT_RM_ADDRESS)
            + " ("
            + String.join(", ", dirs)
            + ")");
  }

  /** host:port of the ResourceManager and where that came from, for messages. */
  public String address() {
    return address;
  }

  /** The NodeManagers that can run containers now. */
  public List<NodeReport> runningNodes() {
    return call(() -> client.getNodeReports(NodeState.RUNNING));
  }

  /** A queue by its leaf name, or empty when the scheduler has none of that name. */
  public Optional<QueueInfo> queue(String name) {
    return call(
        () ->
            client.getAllQueues().stream().filter(q -> q.getQueueName().equals(name)).findFirst());
  }

  /** Every leaf queue's name, for the message that a queue does not exist. */
  public List<String> leafQueues() {
    return call(
        () ->
            client.getAllQueues().stream()
                .filter(q -> q.getChildQueues() == null || q.getChildQueues().isEmpty())
                .map(QueueInfo::getQueueName)
                .sorted()
                .toList());
  }

  /**
   * The largest container the scheduler grants (yarn.scheduler.maximum-allocation-*), as the
   * ResourceManager reports it to a new application; spark-submit asks the same way. The
   * application id this takes is never submitted.
   */
  public Resource largestContainer() {
    return call(
        () ->
            client.createApplication().getNewApplicationResponse().getMaximumResourceCapability());
  }

  /** The applications carrying a tag (YARN lower-cases tags), newest first. */
  public List<ApplicationReport> applicationsTagged(String tag) {
    return call(
        () ->
            client
                .getApplications(null, null, Set.of(tag.toLowerCase(java.util.Locale.ROOT)))
                .stream()
                .sorted(
                    java.util.Comparator.comparingLong(ApplicationReport::getStartTime).reversed())
                .toList());
  }

  private interface Call<T> {
    T get() throws YarnException, IOException;
  }

  private <T> T call(Call<T> call) {
    try {
      return call.get();
    } catch (YarnException | IOException e) {
      // The cluster is down or unreachable: worth retrying later, unlike a configuration error.
      throw new DlpipeException(
          ExitCodes.FAILURE,
          "Cannot reach the YARN ResourceManager at " + address + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // Closing a client that is done with: nothing to recover.
    }
  }
}
