package io.dlpipe.yarn;

import io.dlpipe.ConfigException;
import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.doctor.Finding;
import io.dlpipe.submit.ExecutorMemory;
import io.dlpipe.submit.SparkSubmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.QueueInfo;
import org.apache.hadoop.yarn.api.records.QueueState;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.spark.network.util.JavaUtils;

/**
 * What the ResourceManager says about a submission before it is made: the NodeManagers, the queue
 * ({@code spark.yarn.queue}) and its share of the cluster, and whether the executors' and the
 * application master's containers fit the largest container the scheduler grants. Spark itself
 * finds an oversized container only after asking for an application, and a missing queue only when
 * the ResourceManager rejects it; a scheduler then sees a stack trace instead of the key to change.
 */
public final class YarnPreflight {
  /** The GPU resource type of YARN 3.1+, to which Spark maps spark.executor.resource.gpu.amount. */
  public static final String GPU = "yarn.io/gpu";

  private YarnPreflight() {}

  /**
   * The findings, in a fixed order: nodes, queue, executor container, application master container,
   * width, GPUs. {@code env} is the launcher's: DLPIPE_DRIVER_MEMORY sizes the cluster-mode driver.
   */
  public static List<Finding> check(
      ResourceManagerClient rm, DlpipeConfig cfg, String deployMode, Map<String, String> env) {
    Map<String, String> conf = SparkSubmitter.submittedConf(cfg.spark().conf(), deployMode, env);
    List<Finding> out = new ArrayList<>();
    List<NodeReport> nodes = rm.runningNodes();
    Resource largest = rm.largestContainer();
    out.add(
        nodes.isEmpty()
            ? Finding.error(
                "yarn",
                "ResourceManager " + rm.address() + ": no NodeManager is running",
                "start the NodeManagers, or point HADOOP_CONF_DIR at a live cluster")
            : Finding.ok(
                "yarn",
                "ResourceManager "
                    + rm.address()
                    + ": "
                    + nodes.size()
                    + " NodeManager(s) running; largest container "
                    + largest.getMemorySize()
                    + " MiB, "
                    + largest.getVirtualCores()
                    + " vcores"));

    String queueName = conf.getOrDefault("spark.yarn.queue", "default");
    Optional<QueueInfo> queue = rm.queue(queueName);
    if (queue.isEmpty()) {
      out.add(
          Finding.error(
              "queue",
              "spark.yarn.queue: the ResourceManager has no queue '" + queueName + "'",
              "set spark.conf.\"spark.yarn.queue\" to one of " + rm.leafQueues()));
    } else {
      QueueInfo q = queue.get();
      String line =
          String.format(
              Locale.ROOT,
              "queue %s: capacity %.0f%% of the cluster (at most %.0f%%), %.0f%% of it in use, %s",
              queueName,
              q.getCapacity() * 100,
              q.getMaximumCapacity() * 100,
              q.getCurrentCapacity() * 100,
              q.getQueueState().toString().toLowerCase(Locale.ROOT));
      out.add(
          q.getQueueState() == QueueState.RUNNING
              ? Finding.ok("queue", line)
              : Finding.error(
                  "queue",
                  line,
                  "ask the cluster's administrator to start queue "
                      + queueName
                      + ", or set spark.conf.\"spark.yarn.queue\""));
    }

    ExecutorMemory executor = ExecutorMemory.of(cfg.spark());
    String executorLine =
        String.format(
            Locale.ROOT,
            "executor container %d MiB (spark.executor.memory %d MiB + memoryOverhead %d MiB, which holds ND4J's off-heap cap of %d MiB)",
            executor.containerMb(),
            executor.heapMb(),
            executor.effectiveOverheadMb(),
            executor.offHeapMb());
    out.add(
        fits(executor.containerMb(), largest)
            ? Finding.ok(
                "memory",
                executorLine + " fits the largest container, " + largest.getMemorySize() + " MiB")
            : Finding.error(
                "memory",
                executorLine
                    + " exceeds the largest container YARN grants, "
                    + largest.getMemorySize()
                    + " MiB (yarn.scheduler.maximum-allocation-mb)",
                "lower spark.conf.\"spark.executor.memory\" or spark.executor-offheap so that they add up to at most "
                    + largest.getMemorySize()
                    + " MiB with 384 MiB for the JVM"));
    int cores = Integer.parseInt(conf.getOrDefault("spark.executor.cores", "1"));
    if (cores > largest.getVirtualCores()) {
      out.add(
          Finding.error(
              "cores",
              "spark.executor.cores "
                  + cores
                  + " exceeds the largest container's "
                  + largest.getVirtualCores()
                  + " vcores",
              "set spark.conf.\"spark.executor.cores\" to at most " + largest.getVirtualCores()));
    }

    boolean cluster = deployMode.equals("cluster");
    String heapKey = cluster ? "spark.driver.memory" : "spark.yarn.am.memory";
    String overheadKey = cluster ? "spark.driver.memoryOverhead" : "spark.yarn.am.memoryOverhead";
    long amHeap = JavaUtils.byteStringAsMb(conf.getOrDefault(heapKey, cluster ? "1g" : "512m"));
    // Spark's default overhead: 10% of the heap, at least 384 MiB.
    long amOverhead =
        conf.containsKey(overheadKey)
            ? JavaUtils.byteStringAsMb(conf.get(overheadKey))
            : Math.max(384, amHeap / 10);
    String amLine =
        String.format(
            Locale.ROOT,
            "application master container %d MiB (%s %d MiB + %d MiB overhead%s)",
            amHeap + amOverhead,
            heapKey,
            amHeap,
            amOverhead,
            cluster ? ", the driver runs in it" : "");
    out.add(
        fits(amHeap + amOverhead, largest)
            ? Finding.ok("memory", amLine + " fits")
            : Finding.error(
                "memory",
                amLine
                    + " exceeds the largest container YARN grants, "
                    + largest.getMemorySize()
                    + " MiB",
                "lower spark.conf.\""
                    + heapKey
                    + "\""
                    + (cluster ? " or " + SparkSubmitter.DRIVER_MEMORY_ENV : "")));

    if (Boolean.parseBoolean(conf.getOrDefault("spark.dynamicAllocation.enabled", "false"))) {
      // Parameter averaging does not depend on the executor count: each averaging round is one
      // Spark job of train.workers tasks, whichever executors run them. A lost executor's task is
      // rerun (its partition's minibatches trained again), so no worker's data is missing from the
      // average; fewer executors only make a round slower. YarnClusterIT kills one mid-epoch.
      int workers = cfg.train().master().workers();
      out.add(
          Finding.warn(
              "width",
              "spark.dynamicAllocation.enabled: executors may leave or join mid-epoch; the fit keeps its width, "
                  + (workers > 0
                      ? workers + " worker(s) (train.workers)"
                      : "train.workers chosen from the data when it starts")
                  + " per averaging round whatever the executors, and a lost executor's tasks are rerun on the others or a new one; rounds wait while executors are missing",
              "set spark.conf.\"spark.dynamicAllocation.minExecutors\" to the training width, or turn dynamic allocation off with a fixed spark.executor.instances"));
    }
    queue.ifPresent(
        q -> {
          long clusterMb = nodes.stream().mapToLong(n -> n.getCapability().getMemorySize()).sum();
          long guaranteedMb = Math.round(q.getCapacity() * clusterMb);
          int instances = Integer.parseInt(conf.getOrDefault("spark.executor.instances", "2"));
          long askedMb = amHeap + amOverhead + instances * executor.containerMb();
          if (askedMb > guaranteedMb) {
            // Above its capacity a queue grows only into idle capacity, and the CapacityScheduler's
            // user-limit-factor (1 by default) stops one user at the capacity: executors then wait.
            out.add(
                Finding.warn(
                    "queue",
                    String.format(
                        Locale.ROOT,
                        "this run asks for %d MiB (application master %d + %d executors x %d), more than queue %s's guaranteed %d MiB of %d MiB; the rest comes only from idle capacity, "
                            + "and not at all if the queue's user-limit-factor is 1",
                        askedMb,
                        amHeap + amOverhead,
                        instances,
                        executor.containerMb(),
                        queueName,
                        guaranteedMb,
                        clusterMb),
                    "use a larger queue, or fewer or smaller executors (spark.executor.instances, spark.executor.memory)"));
          }
        });
    long gpus = Long.parseLong(conf.getOrDefault("spark.executor.resource.gpu.amount", "0"));
    if (gpus > 0) {
      long offered = gpusOf(largest);
      String line =
          "spark.executor.resource.gpu.amount "
              + gpus
              + " per executor; the largest container YARN grants has "
              + offered
              + " "
              + GPU;
      out.add(
          gpus <= offered
              ? Finding.ok("gpu", line)
              : Finding.error(
                  "gpu",
                  line,
                  offered == 0
                      ? "the cluster declares no "
                          + GPU
                          + " resource (resource-types.xml, the NodeManagers' GPU plugin); run on CPU executors or another cluster"
                      : "set spark.conf.\"spark.executor.resource.gpu.amount\" to at most "
                          + offered));
    }
    return out;
  }

  private static boolean fits(long mb, Resource largest) {
    return mb <= largest.getMemorySize();
  }

  /** The yarn.io/gpu count of a resource; 0 when the cluster does not know the type. */
  static long gpusOf(Resource resource) {
    for (org.apache.hadoop.yarn.api.records.ResourceInformation info :
        resource.getAllResourcesListCopy()) {
      if (info.getName().equals(GPU)) {
        return info.getValue();
      }
    }
    return 0;
  }

  /** Refuses the submission at the first error: exit code 2, one line with the key to change. */
  public static void requireOk(List<Finding> findings) {
    for (Finding f : findings) {
      if (f.level() == Finding.Level.ERROR) {
        throw new ConfigException("YARN would refuse this run: " + f.message() + "; " + f.fix());
      }
    }
  }
}
