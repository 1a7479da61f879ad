package io.dlpipe.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear map from data values to pixels, over a domain widened to round tick values so that axes
 * start and end on labelled numbers.
 *
 * @param lo the domain's lower end
 * @param hi the domain's upper end
 * @param step the distance between ticks
 * @param from the pixel of {@code lo}
 * @param to the pixel of {@code hi}
 */
record Scale(double lo, double hi, double step, double from, double to) {

  /** A scale over at least [min, max], widened to multiples of a 1, 2, 2.5 or 5 step. */
  static Scale nice(double min, double max, int targetTicks, double from, double to) {
    if (!Double.isFinite(min) || !Double.isFinite(max)) {
      min = 0;
      max = 1;
    }
    if (max < min) {
      double t = min;
      min = max;
      max = t;
    }
    if (max == min) {
      double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
      min -= pad;
      max += pad;
    }
    double step = niceStep((max - min) / Math.max(1, targetTicks));
    double lo = Math.floor(min / step + 1e-9) * step;
    double hi = Math.ceil(max / step - 1e-9) * step;
    return new Scale(lo, hi, step, from, to);
  }

  /** A scale over exactly [lo, hi] with the given tick step (probabilities: 0 to 1 by 0.2). */
  static Scale fixed(double lo, double hi, double step, double from, double to) {
    return new Scale(lo, hi, step, from, to);
  }

  private static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nice * mag;
  }

  double map(double v) {
    return from + (v - lo) / (hi - lo) * (to - from);
  }

  /** The tick values from lo to hi. */
  List<Double> ticks() {
    List<Double> out = new ArrayList<>();
    long n = Math.round((hi - lo) / step);
    for (long i = 0; i <= n; i++) {
      out.add(lo + i * step);
    }
    return out;
  }
}
