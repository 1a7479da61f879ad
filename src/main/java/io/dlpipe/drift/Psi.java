package io.dlpipe.drift;

/**
 * The population stability index of a distribution {@code actual} against {@code expected}, both as
 * shares over the same bins: {@code PSI = sum_i (a_i - e_i) * ln(a_i / e_i)}. A bin empty on one
 * side would make the logarithm infinite, so every share below {@link #EPSILON} counts as {@link
 * #EPSILON} (shares are not renormalised after that; the bias is at most a few EPSILON per empty
 * bin). 0 means the same distribution; below 0.1 is usually read as stable, above 0.2 as a
 * significant shift.
 */
public final class Psi {
  /** The share an empty bin counts as. */
  public static final double EPSILON = 1e-4;

  private Psi() {}

  public static double of(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "PSI needs the same bins on both sides, found "
              + expected.length
              + " and "
              + actual.length);
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], EPSILON);
      double a = Math.max(actual[i], EPSILON);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
