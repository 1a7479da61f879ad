package io.dlpipe.doctor;

import io.dlpipe.config.DlpipeConfig;
import io.dlpipe.config.TrainConfig;
import io.dlpipe.input.InputReader;
import io.dlpipe.io.HadoopFiles;
import io.dlpipe.submit.ExecutorMemory;
import io.dlpipe.train.BuildInfo;
import io.dlpipe.train.TrainingMasters;
import io.dlpipe.workspace.ModelLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pre-flight checks that say what would go wrong before a long run starts, each with its fix:
 * versions, the ND4J backend the driver and the executors really load, the executors' memory
 * arithmetic, the GPUs tasks see, whether export training has a shared file system, and whether the
 * input is readable and the output writable. One small Spark job probes the executors.
 */
public final class Doctor {
  private final SparkSession spark;
  private final DlpipeConfig cfg;

  public Doctor(SparkSession spark, DlpipeConfig cfg) {
    this.spark = spark;
    this.cfg = cfg;
  }

  /** All findings, in a fixed order. */
  public List<Finding> run() {
    List<Finding> out = new ArrayList<>();
    out.add(versions());
    out.add(driverBackend());
    List<ExecutorReport> executors = probeExecutors();
    out.add(executorBackends(executors));
    out.addAll(memory(executors));
    out.add(gpus(executors));
    out.add(export());
    out.add(width());
    out.add(input());
    out.add(output());
    return out;
  }

  private Finding versions() {
    String java = System.getProperty("java.version");
    String spark = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    String scalaVersion = scala.util.Properties.versionNumberString();
    String dl4j = BuildInfo.mavenVersion("org.deeplearning4j", "deeplearning4j-nn");
    String line =
        "Java " + java + ", Spark " + spark + ", Scala " + scalaVersion + ", DL4J " + dl4j;
    if (Runtime.version().feature() < 17) {
      return Finding.error("versions", line, "run the driver on Java 17 or newer");
    }
    if (!spark.startsWith("3.5.") || !scalaVersion.startsWith("2.12.")) {
      return Finding.error(
          "versions",
          line,
          "DL4J's Spark modules need Spark 3.5 built for Scala 2.12; use such a distribution (SPARK_HOME) or the Maven-built jars");
    }
    return Finding.ok("versions", line);
  }

  private Finding driverBackend() {
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    return Finding.ok(
        "backend",
        "driver: "
            + Nd4j.getBackend().getClass().getSimpleName()
            + ", BLAS "
            + env.getProperty("blas.vendor", "unknown")
            + ", "
            + env.getProperty("cores", "?")
            + " cores, ND4J off-heap cap "
            + Pointer.maxBytes() / (1 << 20)
            + " MiB");
  }

  /** One task per default-parallelism slot; each reports what its executor loaded. */
  private List<ExecutorReport> probeExecutors() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobGroup("dlpipe-doctor", "dlpipe doctor: probe the executors", false);
    int slots = Math.max(1, jsc.defaultParallelism());
    List<Integer> seeds = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      seeds.add(i);
    }
    // Bounded: one small record per task.
    return jsc.parallelize(seeds, slots)
        .mapPartitions((Iterator<Integer> it) -> List.of(report()).iterator())
        .collect();
  }

  static ExecutorReport report() {
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    List<String> gpus = new ArrayList<>();
    TaskContext task = TaskContext.get();
    if (task != null && task.resources().contains("gpu")) {
      ResourceInformation info = task.resources().apply("gpu");
      gpus.addAll(Arrays.asList(info.addresses()));
    }
    return new ExecutorReport(
        SparkEnv.get().executorId(),
        hostName(),
        ProcessHandle.current().pid(),
        Nd4j.getBackend().getClass().getSimpleName(),
        env.getProperty("blas.vendor", "unknown"),
        Runtime.getRuntime().maxMemory() >> 20,
        Pointer.maxBytes() >> 20,
        Pointer.maxPhysicalBytes() >> 20,
        gpus);
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private Finding executorBackends(List<ExecutorReport> executors) {
    TreeSet<String> seen = new TreeSet<>();
    TreeSet<Long> jvms = new TreeSet<>();
    for (ExecutorReport r : executors) {
      seen.add(r.backend() + " (BLAS " + r.blasVendor() + ")");
      jvms.add(r.pid());
    }
    String line =
        executors.size()
            + " task(s) on "
            + jvms.size()
            + " executor JVM(s) "
            + jvms
            + ": "
            + String.join(", ", seen);
    if (seen.size() > 1) {
      return Finding.warn(
          "backend",
          line,
          "executors load different ND4J backends; give every executor the same application jar (CPU or -Pcuda build)");
    }
    return Finding.ok("backend", line);
  }

  private List<Finding> memory(List<ExecutorReport> executors) {
    List<Finding> out = new ArrayList<>();
    ExecutorMemory m = ExecutorMemory.of(cfg.spark());
    if (!m.fits()) {
      out.add(
          Finding.error(
              "memory",
              m.describe(),
              String.format(
                  Locale.ROOT,
                  "raise spark.executor.memoryOverhead to at least %dm, or lower spark.executor-offheap",
                  m.offHeapMb() + m.jvmOverheadMb())));
    } else {
      out.add(Finding.ok("memory", m.describe()));
    }
    boolean local = spark.sparkContext().isLocal();
    for (ExecutorReport r : executors) {
      if (!local && r.nd4jMaxBytesMb() > m.offHeapMb() + 1) {
        out.add(
            Finding.warn(
                "memory",
                "executor "
                    + r.executorId()
                    + ": ND4J may use "
                    + r.nd4jMaxBytesMb()
                    + " MiB off-heap, more than the "
                    + m.offHeapMb()
                    + " MiB budgeted",
                "submit through jobs/dlpipe (or copy spark.executor.extraJavaOptions from its dry run, DLPIPE_SUBMIT_DRY_RUN=1)"));
        break;
      }
    }
    return out;
  }

  private Finding gpus(List<ExecutorReport> executors) {
    String requested = cfg.spark().conf().getOrDefault("spark.task.resource.gpu.amount", "0");
    TreeSet<String> addresses = new TreeSet<>();
    boolean cuda = false;
    for (ExecutorReport r : executors) {
      for (String g : r.gpus()) {
        addresses.add(r.executorId() + ":" + g);
      }
      cuda |=
          r.backend().toLowerCase(Locale.ROOT).contains("cuda")
              || r.backend().toLowerCase(Locale.ROOT).contains("jcublas");
    }
    String seen =
        addresses.isEmpty()
            ? "no GPU assigned to any task"
            : "GPU addresses per task (executor:address): " + addresses;
    if (Double.parseDouble(requested) > 0 && addresses.isEmpty()) {
      return Finding.error(
          "gpu",
          "spark.task.resource.gpu.amount = " + requested + " but " + seen,
          "give executors GPUs: spark.executor.resource.gpu.amount and a discovery script (deploy/gpu/discover-gpus.sh), or GPU nodes in the cluster manager");
    }
    if (!addresses.isEmpty() && !cuda) {
      return Finding.warn(
          "gpu",
          seen + ", but the executors run ND4J's CPU backend",
          "build the application jar with mvn -Pcuda -DskipTests package to train on the GPUs");
    }
    return Finding.ok("gpu", seen);
  }

  private Finding export() {
    TrainConfig.Master m = cfg.train().master();
    if (m.approach() == TrainConfig.Approach.DIRECT) {
      return Finding.ok("export", "train.approach = direct: no shared file system needed");
    }
    String dir =
        m.exportDir().isEmpty() ? new ModelLayout(cfg.output().dir()).export() : m.exportDir();
    String problem =
        TrainingMasters.exportProblem(JavaSparkContext.fromSparkContext(spark.sparkContext()), dir);
    if (problem != null) {
      return Finding.warn(
          "export",
          "train.approach = export, but " + problem + "; training would fall back to direct",
          "point spark.hadoop.fs.defaultFS and output.dir (or train.export-dir) at HDFS or S3A, or set train.approach = direct");
    }
    return Finding.ok(
        "export", "train.approach = export to " + dir + ", which every executor reaches");
  }

  /**
   * The width train would use on this master: exact when etl has prepared the data (its train row
   * count), else the rule and the cap this master sets.
   */
  private Finding width() {
    int parallelism = spark.sparkContext().defaultParallelism();
    TrainConfig.Master requested = cfg.train().master();
    HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    long trainRows;
    try {
      trainRows =
          io.dlpipe.train.PreparedInput.open(files, cfg).rows(io.dlpipe.spark.Columns.TRAIN);
    } catch (RuntimeException e) {
      String rule =
          requested.workers() > 0
              ? "train.workers = " + requested.workers() + " as set"
              : String.format(
                  Locale.ROOT,
                  "train.workers = 0: one worker per %,d train rows, at most %d on %s (Spark's default parallelism)",
                  TrainingMasters.AUTO_ROWS_PER_WORKER,
                  parallelism,
                  spark.sparkContext().master());
      return Finding.ok("width", rule + "; run etl first for the exact width");
    }
    io.dlpipe.train.TrainPlan plan =
        io.dlpipe.train.TrainPlan.resolve(cfg.train(), parallelism, trainRows);
    String described =
        "train would use " + plan.describe() + " on " + spark.sparkContext().master();
    String problem = plan.widthProblem();
    return problem == null
        ? Finding.ok("width", described)
        : Finding.warn(
            "width",
            described + "; " + problem,
            "set train.workers lower (0 chooses from the data), or train on more rows");
  }

  private Finding input() {
    try {
      List<String> columns = InputReader.columnNames(InputReader.read(spark, cfg.input()));
      if (!columns.contains(cfg.target().column())) {
        return Finding.error(
            "input",
            "target column '"
                + cfg.target().column()
                + "' is not among the "
                + columns.size()
                + " input columns",
            "fix target.column or input.path");
      }
      return Finding.ok(
          "input",
          cfg.input().describe()
              + " is readable: "
              + columns.size()
              + " columns, target "
              + cfg.target().column()
              + " present");
    } catch (RuntimeException e) {
      return Finding.error(
          "input",
          cfg.input().describe() + " is not readable: " + e.getMessage(),
          "fix input.path, or the credentials of its file system (spark.hadoop.*)");
    }
  }

  private Finding output() {
    HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    String probe = HadoopFiles.join(cfg.output().dir(), ".dlpipe-doctor-" + UUID.randomUUID());
    try {
      // A folder the pipeline would refuse (a user's folder, a file system's root) is not probed:
      // nothing is written into it.
      io.dlpipe.workspace.WorkspaceGuard.requireWorkspace(files, cfg.output().dir());
      files.writeText(probe, "dlpipe doctor write probe\n");
      files.deleteRecursively(probe);
      return Finding.ok("output", cfg.output().dir() + " is writable");
    } catch (io.dlpipe.ConfigException e) {
      return Finding.error(
          "output",
          e.getMessage(),
          "point output.dir at a new or empty folder, or at a dlpipe workspace");
    } catch (RuntimeException e) {
      return Finding.error(
          "output",
          cfg.output().dir() + " is not writable: " + e.getMessage(),
          "fix output.dir, or its permissions");
    }
  }
}
