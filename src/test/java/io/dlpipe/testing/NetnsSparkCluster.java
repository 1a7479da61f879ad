package io.dlpipe.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster whose Workers each have an address of their own, on one machine: one
 * Linux network namespace per Worker, joined to a bridge in the root namespace by a veth pair, with
 * private addresses in {@code 10.77.X.0/24} (X chosen per run, unused on this host). The Master
 * runs in the root namespace on the bridge address ({@code .1}), Worker {@code i} in its namespace
 * on {@code .(10+i)}; every executor a Worker forks lives in its namespace, so executors on
 * different Workers announce different addresses, as on separate hosts. Gradient sharing (DL4J's
 * Aeron mesh) needs exactly that, and {@code local-cluster} cannot give it.
 *
 * <p>No traffic leaves the machine: the bridge has no uplink, the namespaces no default route, and
 * IP forwarding is left as it is. Everything runs from the Maven-built Spark jars in {@code
 * target/spark-home/jars} (as {@code deploy/standalone/start.sh} does). Needs root and {@code ip};
 * {@link #unavailable()} says why not, for a test assumption. Names carry a random run id, and
 * {@link #close()} removes only the processes, namespaces, veth pairs and bridge this instance
 * created, even after a failed start.
 */
public final class NetnsSparkCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("spark://[0-9.]+:\\d+");

  private final String id;
  private final String prefix;
  private final Path state;
  private final String bridge;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> hostVeths = new ArrayList<>();
  private final List<String> workerAddresses = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private boolean bridgeCreated;
  private String masterUrl;

  private NetnsSparkCluster(int subnet, Path state) {
    this.id = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    this.prefix = "10.77." + subnet + ".";
    this.state = state;
    // Linux interface names have at most 15 characters.
    this.bridge = "dlpbr" + id;
  }

  /**
   * Why this machine cannot run the cluster (not root, no {@code ip}, namespaces refused), or null
   * when it can. Probes by creating and deleting one namespace of its own.
   */
  public static String unavailable() {
    try {
      Process idu = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String uid = new String(idu.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      idu.waitFor();
      if (!uid.equals("0")) {
        return "network namespaces need root; this test runs as uid " + uid;
      }
      String probe = "dlpipe-probe-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
      Result add = ip("netns", "add", probe);
      if (add.code() != 0) {
        return "`ip netns add` failed: " + add.output().trim();
      }
      ip("netns", "del", probe);
      return null;
    } catch (IOException e) {
      return "cannot run `id`/`ip`: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Starts a Master and {@code workers} Workers, each in its own namespace, offering {@code cores}
   * cores and {@code memory} (e.g. {@code 1g}) to executors; logs and work dirs under {@code
   * state}. On failure everything started so far is removed before the exception leaves.
   */
  public static NetnsSparkCluster start(int workers, int cores, String memory, Path state)
      throws IOException, InterruptedException {
    NetnsSparkCluster c = new NetnsSparkCluster(freeSubnet(), state);
    try {
      c.network(workers);
      c.spark(workers, cores, memory);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** {@code spark://10.77.X.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  /** The bridge's address in the root namespace, where the Master and a driver run. */
  public String driverAddress() {
    return prefix + "1";
  }

  /** The cluster's network in CIDR notation ({@code 10.77.X.0/24}). */
  public String networkMask() {
    return prefix + "0/24";
  }

  /** Worker {@code i}'s address is element {@code i - 1}. */
  public List<String> workerAddresses() {
    return List.copyOf(workerAddresses);
  }

  /** The Worker logs, one per Worker. */
  public Path workerLog(int worker) {
    return state.resolve("worker-" + worker + ".log");
  }

  /** Worker {@code worker}'s work dir, where each executor it ran writes {@code stderr}. */
  public Path workDir(int worker) {
    return state.resolve("work-" + worker);
  }

  /** A /24 in 10.77.0.0/16 that no interface of this host uses. */
  private static int freeSubnet() throws IOException, InterruptedException {
    String addrs = ip("-4", "-o", "addr").output();
    SecureRandom r = new SecureRandom();
    for (int attempt = 0; attempt < 64; attempt++) {
      int s = 1 + r.nextInt(254);
      if (!addrs.contains(" 10.77." + s + ".")) {
        return s;
      }
    }
    throw new IllegalStateException("no free 10.77.X.0/24 on this host:\n" + addrs);
  }

  private void network(int workers) throws IOException, InterruptedException {
    must("link", "add", bridge, "type", "bridge");
    bridgeCreated = true;
    must("addr", "add", driverAddress() + "/24", "dev", bridge);
    must("link", "set", bridge, "up");
    for (int i = 1; i <= workers; i++) {
      String ns = "dlpipe-" + id + "-" + i;
      String host = "dlpv" + id + i;
      String peer = "dlpp" + id + i;
      String addr = prefix + (10 + i);
      must("netns", "add", ns);
      namespaces.add(ns);
      must("link", "add", host, "type", "veth", "peer", "name", peer);
      hostVeths.add(host);
      must("link", "set", host, "master", bridge);
      must("link", "set", host, "up");
      must("link", "set", peer, "netns", ns);
      must("-n", ns, "addr", "add", addr + "/24", "dev", peer);
      must("-n", ns, "link", "set", peer, "up");
      must("-n", ns, "link", "set", "lo", "up");
      workerAddresses.add(addr);
    }
  }

  private void spark(int workers, int cores, String memory)
      throws IOException, InterruptedException {
    Files.createDirectories(state);
    Path master = state.resolve("master.log");
    processes.add(
        launch(
            List.of(),
            driverAddress(),
            master,
            "org.apache.spark.deploy.master.Master",
            "--host",
            driverAddress(),
            "--port",
            "0",
            "--webui-port",
            "0"));
    Matcher m = MASTER_URL.matcher(waitFor(master, "Starting Spark master at spark://", 90));
    if (!m.find()) {
      throw new IllegalStateException("no master URL in " + master);
    }
    masterUrl = m.group();
    for (int i = 1; i <= workers; i++) {
      processes.add(
          launch(
              List.of("ip", "netns", "exec", namespaces.get(i - 1)),
              workerAddresses.get(i - 1),
              workerLog(i),
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              workerAddresses.get(i - 1),
              "--cores",
              Integer.toString(cores),
              "--memory",
              memory,
              "--webui-port",
              "0",
              "--work-dir",
              workDir(i).toString(),
              masterUrl));
    }
    for (int i = 1; i <= workers; i++) {
      waitFor(workerLog(i), "Successfully registered with master", 90);
    }
  }

  private Process launch(List<String> wrapper, String address, Path log, String... main)
      throws IOException {
    Path home = TestData.projectDir().resolve("target/spark-home");
    if (!Files.isDirectory(home.resolve("jars"))) {
      throw new IllegalStateException(home + "/jars is missing; run mvn -DskipTests package");
    }
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + "/*");
    cmd.addAll(List.of(main));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", address);
    env.put("SPARK_PUBLIC_DNS", address);
    pb.environment().putAll(env);
    return pb.start();
  }

  private String waitFor(Path log, String line, int seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (text.contains(line)) {
        return text;
      }
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a cluster process exited with " + p.exitValue() + "; " + log + ":\n" + text);
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "'" + line + "' not in " + log + " after " + seconds + " s:\n" + Files.readString(log));
  }

  /** Stops the Workers (and their executors) and the Master, then removes the network. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      stop(processes.get(i));
    }
    processes.clear();
    for (String ns : namespaces) {
      killRemaining(ns);
      // Deleting the namespace destroys its end of the veth pair, and with it the host end.
      quietly("netns", "del", ns);
    }
    for (String host : hostVeths) {
      if (quietly("link", "show", host).code() == 0) {
        quietly("link", "del", host);
      }
    }
    namespaces.clear();
    hostVeths.clear();
    if (bridgeCreated) {
      quietly("link", "del", bridge);
      bridgeCreated = false;
    }
  }

  private static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Any process still in one of this cluster's namespaces is one it started (an executor). */
  private static void killRemaining(String ns) {
    for (String pid : quietly("netns", "pids", ns).output().trim().split("\\s+")) {
      if (pid.matches("\\d+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private record Result(int code, String output) {}

  private static Result ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  private static void must(String... args) throws IOException, InterruptedException {
    Result r = ip(args);
    if (r.code() != 0) {
      throw new IllegalStateException(
          "ip " + String.join(" ", args) + " failed (" + r.code() + "): " + r.output().trim());
    }
  }

  private static Result quietly(String... args) {
    try {
      return ip(args);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
