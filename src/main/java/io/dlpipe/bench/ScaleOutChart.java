package io.dlpipe.bench;

import java.util.List;
import java.util.Locale;

/**
 * A standalone SVG line chart for the scale-out suite: the validation metric against samples seen,
 * one line per width, so BENCHMARKS.md can show the curves without a plotting library.
 */
final class ScaleOutChart {
  private static final String[] COLORS = {
    "#111827", "#2563eb", "#16a34a", "#ca8a04", "#ea580c", "#dc2626", "#9333ea", "#0891b2"
  };
  private static final int W = 640;
  private static final int H = 380;
  private static final int LEFT = 64;
  private static final int RIGHT = 130;
  private static final int TOP = 30;
  private static final int BOTTOM = 46;

  private ScaleOutChart() {}

  static String draw(String title, List<ScaleOutBench.Run> runs) {
    double xMax = 0;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (ScaleOutBench.Run r : runs) {
      for (ScaleOutBench.Epoch e : r.epochs()) {
        xMax = Math.max(xMax, e.samplesSeen());
        yMin = Math.min(yMin, e.metric());
        yMax = Math.max(yMax, e.metric());
      }
    }
    // The interesting range is near the top: the lowest points are first epochs of wide runs.
    yMin = Math.max(yMin, yMax - 0.08);
    double pad = (yMax - yMin) * 0.05 + 1e-4;
    yMin -= pad;
    yMax += pad;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            W,
            H,
            W,
            H));
    s.append(
        String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    s.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", LEFT, esc(title)));
    for (int i = 0; i <= 5; i++) {
      double v = yMin + (yMax - yMin) * i / 5;
      double y = py(v, yMin, yMax);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>%n",
              LEFT,
              W - RIGHT,
              y,
              y));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3f</text>%n",
              LEFT - 6,
              y + 4,
              v));
    }
    for (int i = 0; i <= 5; i++) {
      double v = xMax * i / 5;
      double x = px(v, xMax);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e5e7eb\"/>%n",
              x,
              x,
              TOP,
              H - BOTTOM));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2fM</text>%n",
              x,
              H - BOTTOM + 16,
              v / 1e6));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">samples seen (millions)</text>%n",
            (LEFT + W - RIGHT) / 2,
            H - 8));
    s.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">validation %s</text>%n",
            (TOP + H - BOTTOM) / 2,
            runs.isEmpty() ? "" : esc(runs.get(0).metric())));
    for (int i = 0; i < runs.size(); i++) {
      ScaleOutBench.Run r = runs.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (ScaleOutBench.Epoch e : r.epochs()) {
        pts.append(
            String.format(
                Locale.ROOT,
                "%.1f,%.1f ",
                px(e.samplesSeen(), xMax),
                py(Math.max(e.metric(), yMin), yMin, yMax)));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              color,
              pts.toString().trim()));
      int ly = TOP + 10 + 18 * i;
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              W - RIGHT + 10,
              W - RIGHT + 30,
              ly,
              ly,
              color));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\">%d worker%s</text>%n",
              W - RIGHT + 36,
              ly + 4,
              r.workers(),
              r.workers() == 1 ? "" : "s"));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static double px(double v, double xMax) {
    return LEFT + (W - RIGHT - LEFT) * v / Math.max(1, xMax);
  }

  private static double py(double v, double lo, double hi) {
    return H - BOTTOM - (H - BOTTOM - TOP) * (v - lo) / (hi - lo);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
