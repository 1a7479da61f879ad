package io.dlpipe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a suite ran on, recorded beside its figures: they mean nothing without it. The load
 * average at the start says how busy a shared machine was.
 *
 * @param cores available processors
 * @param memoryGib physical memory
 * @param cpuModel from /proc/cpuinfo
 * @param loadAverage1m the 1-minute load average when the suite started
 * @param java the JVM's version
 * @param maxHeapMib the JVM's -Xmx (in local mode the driver's heap is also the executors')
 * @param ompNumThreads OMP_NUM_THREADS as ND4J sees it, empty when unset
 * @param master the Spark master
 */
public record Machine(
    int cores,
    double memoryGib,
    String cpuModel,
    double loadAverage1m,
    String java,
    long maxHeapMib,
    String ompNumThreads,
    String master) {

  public static Machine current(String master) {
    String omp = System.getenv("OMP_NUM_THREADS");
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        readMemoryGib(),
        readCpuModel(),
        readLoadAverage(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        omp == null ? "" : omp,
        master);
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux: the field stays unknown
    }
  }

  static String readCpuModel() {
    return lines("/proc/cpuinfo").stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("unknown");
  }

  static double readMemoryGib() {
    return lines("/proc/meminfo").stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .mapToDouble(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)
        .map(g -> Math.round(g * 10) / 10.0)
        .findFirst()
        .orElse(0);
  }

  static double readLoadAverage() {
    List<String> l = lines("/proc/loadavg");
    return l.isEmpty() ? -1 : Double.parseDouble(l.get(0).split(" ")[0]);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d cores, %.1f GiB, %s, load %.2f, Java %s, heap %d MiB, OMP_NUM_THREADS=%s, %s",
        cores,
        memoryGib,
        cpuModel,
        loadAverage1m,
        java,
        maxHeapMib,
        ompNumThreads.isEmpty() ? "unset" : ompNumThreads,
        master);
  }
}
