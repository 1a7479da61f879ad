package io.dlpipe.etl;

import java.io.Serializable;

/**
 * Counts distinct values of one column inside an aggregation, without a shuffle: exactly (a set of
 * 64-bit hashes) up to {@value #EXACT_LIMIT} values, then as a HyperLogLog of 2^16 registers, whose
 * relative standard error is 1.04 / sqrt(2^16) = 0.41% (errors reach about 1% between 160,000 and
 * 330,000 values, where the estimator hands over from linear counting). Role inference only asks
 * "one value?", "at most a few levels?" (exact answers, below the limit) and "about one value per
 * row?" (the estimate: a column of unique values reads below the default 0.98 id threshold only
 * five standard errors off). Memory: at most 64 KiB per column, only for columns with more than
 * 1,024 distinct values.
 */
final class DistinctSketch implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int EXACT_LIMIT = 1024;
  private static final int P = 16;
  private static final int M = 1 << P;

  /** Open-addressing set of hashes (0 marks a free slot; a 0 hash is stored as 1). */
  private long[] exact = new long[16];

  private int size;
  private byte[] registers;

  void add(String value) {
    long h = hash(value);
    if (registers != null) {
      addToRegisters(h);
      return;
    }
    insert(h == 0 ? 1 : h);
    if (size > EXACT_LIMIT) {
      toRegisters();
    }
  }

  private void insert(long h) {
    int mask = exact.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (exact[i] != 0) {
      if (exact[i] == h) {
        return;
      }
      i = (i + 1) & mask;
    }
    exact[i] = h;
    size++;
    if (size * 2 > exact.length) {
      long[] old = exact;
      exact = new long[old.length * 2];
      size = 0;
      for (long v : old) {
        if (v != 0) {
          insert(v);
        }
      }
    }
  }

  private void toRegisters() {
    registers = new byte[M];
    for (long v : exact) {
      if (v != 0) {
        addToRegisters(v);
      }
    }
    exact = null;
  }

  private void addToRegisters(long h) {
    int idx = (int) (h >>> (64 - P));
    int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
    if (rank > registers[idx]) {
      registers[idx] = (byte) rank;
    }
  }

  DistinctSketch merge(DistinctSketch other) {
    if (registers == null && other.registers == null) {
      for (long v : other.exact) {
        if (v != 0) {
          insert(v);
        }
      }
      if (size > EXACT_LIMIT) {
        toRegisters();
      }
      return this;
    }
    if (registers == null) {
      toRegisters();
    }
    if (other.registers == null) {
      for (long v : other.exact) {
        if (v != 0) {
          addToRegisters(v);
        }
      }
    } else {
      for (int i = 0; i < M; i++) {
        registers[i] = (byte) Math.max(registers[i], other.registers[i]);
      }
    }
    return this;
  }

  /**
   * Exact below {@value #EXACT_LIMIT}, else the HyperLogLog estimate (linear counting while
   * registers are empty).
   */
  long count() {
    if (registers == null) {
      return size;
    }
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += Math.pow(2, -r);
      if (r == 0) {
        zeros++;
      }
    }
    double alpha = 0.7213 / (1 + 1.079 / M);
    double estimate = alpha * M * M / sum;
    if (estimate <= 2.5 * M && zeros > 0) {
      estimate = M * Math.log((double) M / zeros);
    }
    return Math.round(estimate);
  }

  /** 64-bit FNV-1a over the UTF-16 units, then the SplitMix64 finalizer so every bit mixes. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }
}
