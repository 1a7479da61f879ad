package io.dlpipe.bench;

import java.util.Locale;

/**
 * The plain-text tables {@code jobs/bench} prints after a suite: headline ratios, then the raw
 * rates.
 */
public final class ResultsTable {
  private ResultsTable() {}

  public static String render(BenchResults r) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "dlpipe bench --suite %s, %s .. %s%n%s%n%n",
            r.suite(),
            r.started(),
            r.finished(),
            r.machine()));
    b.append(
        String.format(Locale.ROOT, "%-24s %10s  %-16s %s%n", "ratio", "value", "target", "from"));
    for (String name : BenchResults.RATIO_NAMES) {
      Double v = r.ratios().get(name);
      b.append(
          String.format(
              Locale.ROOT,
              "%-24s %10s  %-16s %s%n",
              name,
              v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v),
              r.targets().get(name),
              r.ratiosFrom().get(name)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n%-8s %11s %8s %9s | %12s %12s %12s | %8s %8s%n",
            "etl",
            "rows",
            "columns",
            "features",
            "floor rows/s",
            "dlpipe",
            "mllib",
            "vs floor",
            "vs mllib"));
    for (BenchResults.EtlCase c : r.etl()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-8s %,11d %8d %9d | %,12.0f %,12.0f %,12.0f | %8.2f %8.2f%n",
              c.shape(),
              c.rows(),
              c.columns(),
              c.features(),
              c.floor().perSecond(),
              c.dlpipe().perSecond(),
              c.mllib().perSecond(),
              c.etlVsFloor(),
              c.etlVsMllib()));
    }
    BenchResults.FeedCase f = r.feed();
    if (f == null || r.train() == null || r.compute() == null || r.quality() == null) {
      return b.toString(); // --etl-only
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%nfeed: %,d rows x %d features, batch %d: scan %,.0f rows/s, minibatches %,.0f rows/s (%.2f)%n",
            f.rows(),
            f.features(),
            f.batchSize(),
            f.scan().perSecond(),
            f.feed().perSecond(),
            f.feedVsScan()));
    BenchResults.TrainCase t = r.train();
    b.append(
        String.format(
            Locale.ROOT,
            "train: hidden %s, batch %d, %,d rows: Spark %,.0f samples/s, single JVM %,.0f samples/s (%.2f)%n",
            t.hiddenLayers(),
            t.batchSize(),
            t.spark().rows(),
            t.spark().samplesPerS(),
            t.singleJvm().samplesPerS(),
            t.trainVsSingleJvm()));
    BenchResults.ComputeCase c = r.compute();
    b.append(
        String.format(
            Locale.ROOT,
            "compute: hidden %s, %,d params, %.2f MFLOP/sample; GEMM %d^3 %.1f GFLOP/s; Spark %,.0f samples/s (%.3f), single JVM %,.0f (%.3f)%n",
            c.hiddenLayers(),
            c.params(),
            c.flopsPerSample() / 1e6,
            c.gemm().n(),
            c.gemm().gflops(),
            c.spark().samplesPerS(),
            c.computeEfficiency(),
            c.singleJvm().samplesPerS(),
            c.singleJvmComputeEfficiency()));
    BenchResults.QualityCase q = r.quality();
    b.append(
        String.format(
            Locale.ROOT,
            "quality: GBT %s %.4f in %.1f s; network %s%n",
            q.metricName(),
            q.gbt().metric(),
            q.gbt().fitSeconds(),
            q.reachedAtEpoch() == null
                ? String.format(
                    Locale.ROOT,
                    "did not reach it in %d epochs (best %.4f; ratio >= %.2f)",
                    q.network().size(),
                    q.network().stream()
                        .mapToDouble(BenchResults.EpochPoint::metric)
                        .max()
                        .orElse(Double.NaN),
                    q.atLeast())
                : String.format(
                    Locale.ROOT,
                    "reached it at epoch %d after %.1f s (%.2f)",
                    q.reachedAtEpoch(),
                    q.networkSeconds(),
                    q.timeToQualityVsGbt())));
    return b.toString();
  }
}
