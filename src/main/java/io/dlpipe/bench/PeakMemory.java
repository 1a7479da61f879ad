package io.dlpipe.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Pointer;

/**
 * The driver's peak memory over one phase of a scale run (the ETL, or the epoch), sampled by a
 * daemon thread: the live heap after garbage collection (what the driver really holds; the heap
 * before collection only says how lazy the collector was), the heap in use at any time, ND4J's
 * off-heap bytes (JavaCPP's count), and the process's peak resident set (VmHWM), which is
 * everything at once. In local mode the executors live in the driver's JVM, so these are the
 * executors' peaks too.
 */
public final class PeakMemory implements AutoCloseable {
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile long liveHeapPeak;
  private volatile long heapUsedPeak;
  private volatile long offHeapPeak;

  /**
   * @param liveHeapMib the largest heap in use right after a collection (the old generation's
   *     figure only moves after a full collection, so this is a lower bound)
   * @param heapUsedMib the largest heap in use at any sample, garbage included: bounded by -Xmx
   * @param offHeapMib the most ND4J (JavaCPP) physical bytes seen
   * @param residentMib the process's peak resident set size (VmHWM), or -1 where /proc is missing
   */
  public record Peaks(
      double liveHeapMib, double heapUsedMib, double offHeapMib, double residentMib) {}

  /**
   * Starts measuring. A full collection first, so that the live-heap figures the pools report
   * describe this phase and not what an earlier phase left, and the resident high-water mark is
   * reset where Linux allows it ({@code /proc/self/clear_refs}).
   */
  public PeakMemory() {
    System.gc();
    resetResidentPeak();
    sampler = new Thread(this::sample, "bench-peak-memory");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    while (running) {
      long live = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
        if (after != null) {
          live += after.getUsed();
        }
      }
      liveHeapPeak = Math.max(liveHeapPeak, live);
      heapUsedPeak =
          Math.max(
              heapUsedPeak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      offHeapPeak = Math.max(offHeapPeak, Pointer.physicalBytes() > 0 ? Pointer.totalBytes() : 0);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public Peaks peaks() {
    return new Peaks(mib(liveHeapPeak), mib(heapUsedPeak), mib(offHeapPeak), residentPeakMib());
  }

  static double residentPeakMib() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static void resetResidentPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux, or not allowed: the resident peak is then the process's since it started
    }
  }

  private static double mib(long bytes) {
    return Math.round(bytes / 1048576.0 * 10) / 10.0;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
