package io.dlpipe.etl;

import java.io.Serializable;

/**
 * Count, mean, second and third central moments, minimum and maximum of a stream of doubles,
 * mergeable in any order (the pairwise update of Chan et al. / Pébay), so that one aggregation
 * yields mean, standard deviation, skewness and range of many columns without an expression per
 * statistic. Sums of powers would lose every digit on values like prices squared.
 */
final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;
  long n;
  double mean;
  double m2;
  double m3;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;

  void add(double x) {
    long n1 = n;
    n++;
    double delta = x - mean;
    double deltaN = delta / n;
    double term1 = delta * deltaN * n1;
    mean += deltaN;
    m3 += term1 * deltaN * (n - 2) - 3 * deltaN * m2;
    m2 += term1;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }

  /** Adds {@code count} copies of {@code x} (the imputed cells) at once. */
  void addRepeated(double x, long count) {
    if (count <= 0) {
      return;
    }
    Moments c = new Moments();
    c.n = count;
    c.mean = x;
    c.min = x;
    c.max = x;
    merge(c);
  }

  Moments merge(Moments o) {
    if (o.n == 0) {
      return this;
    }
    if (n == 0) {
      n = o.n;
      mean = o.mean;
      m2 = o.m2;
      m3 = o.m3;
      min = o.min;
      max = o.max;
      return this;
    }
    double na = n;
    double nb = o.n;
    double nt = na + nb;
    double delta = o.mean - mean;
    double m3t =
        m3
            + o.m3
            + delta * delta * delta * na * nb * (na - nb) / (nt * nt)
            + 3 * delta * (na * o.m2 - nb * m2) / nt;
    double m2t = m2 + o.m2 + delta * delta * na * nb / nt;
    mean = mean + delta * nb / nt;
    m2 = m2t;
    m3 = m3t;
    n += o.n;
    min = Math.min(min, o.min);
    max = Math.max(max, o.max);
    return this;
  }

  /** Sample standard deviation (n - 1), as Spark's stddev_samp; NaN below two values. */
  double stddev() {
    return n < 2 ? Double.NaN : Math.sqrt(m2 / (n - 1));
  }

  /** Population skewness, as Spark's skewness; 0 for a constant or empty stream. */
  double skewness() {
    return n == 0 || m2 == 0 ? 0.0 : Math.sqrt(n) * m3 / Math.pow(m2, 1.5);
  }
}
