package io.dlpipe.synth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.SparkSession;

/**
 * A seeded generator of raw CSV shaped like the bundled datasets, of any size, for tests and
 * benchmarks. Row {@code i} depends only on the seed and {@code i}, so the same seed gives the same
 * rows however many files or executors write them. Files are written by the executors, each with
 * its own header; nothing passes through the driver.
 */
public final class SyntheticData implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String[] CREDIT_HEADER = {
    "Status",
    "Seniority",
    "Home",
    "Time",
    "Age",
    "Marital",
    "Records",
    "Job",
    "Expenses",
    "Income",
    "Assets",
    "Debt",
    "Amount",
    "Price"
  };
  static final String[] AMES_HEADER = {
    "MS_Zoning",
    "Lot_Area",
    "Neighborhood",
    "Bldg_Type",
    "Overall_Cond",
    "Year_Built",
    "Total_Bsmt_SF",
    "Central_Air",
    "Gr_Liv_Area",
    "Full_Bath",
    "Bedroom_AbvGr",
    "Garage_Cars",
    "Garage_Area",
    "Year_Sold",
    "Longitude",
    "Latitude",
    "Sale_Price"
  };
  private static final String[] HOMES = {"owner", "rent", "parents", "priv", "other", "ignore"};
  private static final double[] HOME_P = {0.47, 0.22, 0.18, 0.06, 0.06, 0.01};
  private static final String[] MARITAL = {"married", "single", "separated", "widow", "divorced"};
  private static final double[] MARITAL_P = {0.73, 0.22, 0.03, 0.015, 0.005};
  private static final String[] JOBS = {"fixed", "freelance", "partime", "others"};
  private static final double[] JOB_P = {0.63, 0.23, 0.10, 0.04};
  private static final int[] TIMES = {12, 24, 36, 48, 60, 72};
  private static final String[] ZONING = {
    "Residential_Low_Density",
    "Residential_Medium_Density",
    "Floating_Village_Residential",
    "Residential_High_Density",
    "C_all"
  };
  private static final double[] ZONING_P = {0.78, 0.16, 0.045, 0.01, 0.005};
  private static final String[] BLDG = {"OneFam", "TwnhsE", "Duplex", "Twnhs", "TwoFmCon"};
  private static final double[] BLDG_P = {0.83, 0.08, 0.04, 0.03, 0.02};
  private static final String[] COND = {
    "Very_Poor",
    "Poor",
    "Fair",
    "Below_Average",
    "Average",
    "Above_Average",
    "Good",
    "Very_Good",
    "Excellent"
  };
  private static final double[] COND_P = {0.005, 0.01, 0.02, 0.04, 0.56, 0.18, 0.13, 0.05, 0.005};
  private static final int NEIGHBORHOODS = 28;

  /** Width of {@link Shape#WIDE} when none is asked for. */
  public static final int DEFAULT_WIDE_COLUMNS = 500;

  /** Name of the optional ISO timestamp column. */
  public static final String DATE_COLUMN = "Recorded_At";

  private static final String[] WIDE_LEVELS = {"a", "b", "c", "d", "e", "f"};

  /** 2006-01-01T00:00:00Z: the timestamps span five years from here, like Ames' sale years. */
  private static final long DATE_EPOCH_SECOND = 1136073600L;

  private static final long DATE_SPAN_SECONDS = 5L * 365 * 86400;
  private static final java.time.format.DateTimeFormatter ISO =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private final Shape shape;
  private final long seed;
  private final double malformedRatio;
  private final int wideColumns;
  private final boolean dateColumn;

  /**
   * @param shape which dataset to imitate
   * @param seed the seed; rows are a pure function of (seed, row index)
   * @param malformedRatio share of rows turned into one of the {@link MalformedKind}s
   */
  public SyntheticData(Shape shape, long seed, double malformedRatio) {
    this(shape, seed, malformedRatio, DEFAULT_WIDE_COLUMNS, false);
  }

  /**
   * @param wideColumns feature columns of {@link Shape#WIDE} (ignored by the other shapes)
   * @param dateColumn whether to append {@value #DATE_COLUMN}, an ISO-8601 timestamp that moves the
   *     target with the season and the hour, so date features have something to find
   */
  public SyntheticData(
      Shape shape, long seed, double malformedRatio, int wideColumns, boolean dateColumn) {
    if (malformedRatio < 0 || malformedRatio > 1) {
      throw new IllegalArgumentException("malformedRatio must be in [0, 1], was " + malformedRatio);
    }
    if (wideColumns < 2) {
      throw new IllegalArgumentException("wideColumns must be at least 2, was " + wideColumns);
    }
    this.shape = shape;
    this.seed = seed;
    this.malformedRatio = malformedRatio;
    this.wideColumns = wideColumns;
    this.dateColumn = dateColumn;
  }

  /** The column names, in file order. */
  public String[] header() {
    String[] base =
        switch (shape) {
          case CREDIT -> CREDIT_HEADER.clone();
          case AMES -> AMES_HEADER.clone();
          case WIDE -> wideHeader();
        };
    if (!dateColumn) {
      return base;
    }
    String[] out = java.util.Arrays.copyOf(base, base.length + 1);
    out[base.length] = DATE_COLUMN;
    return out;
  }

  private String[] wideHeader() {
    String[] h = new String[wideColumns + 1];
    h[0] = "y";
    for (int c = 1; c <= wideColumns; c++) {
      h[c] = String.format(Locale.ROOT, "x%04d", c);
    }
    return h;
  }

  /** The target column of the shape. */
  public String target() {
    return switch (shape) {
      case CREDIT -> "Status";
      case AMES -> "Sale_Price";
      case WIDE -> "y";
    };
  }

  /**
   * What kind of bad row, if any, row {@code i} is: tests count expected quarantine reasons with
   * this.
   */
  public MalformedKind kindOf(long i) {
    SplittableRandom r = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, i));
    if (r.nextDouble() >= malformedRatio) {
      return MalformedKind.NONE;
    }
    MalformedKind[] bad = {
      MalformedKind.WRONG_FIELD_COUNT,
      MalformedKind.UNCLOSED_QUOTE,
      MalformedKind.BAD_ENCODING,
      MalformedKind.MISSING_TARGET,
      MalformedKind.UNPARSEABLE_NUMBER
    };
    return bad[r.nextInt(bad.length)];
  }

  /** Row {@code i} as the bytes of one CSV line, newline included. */
  public byte[] line(long i) {
    SplittableRandom r = new SplittableRandom(mix(seed, i));
    String[] cells =
        switch (shape) {
          case CREDIT -> credit(r);
          case AMES -> ames(r);
          case WIDE -> wide(r);
        };
    if (dateColumn) {
      cells = withDate(cells, r);
    }
    MalformedKind kind = kindOf(i);
    int targetIndex = shape == Shape.AMES ? AMES_HEADER.length - 1 : 0;
    int numericIndex =
        switch (shape) {
          case CREDIT -> 4; // Age
          case AMES -> 1; // Lot_Area
          case WIDE -> 1; // x0001
        };
    int textIndex = shape == Shape.WIDE ? 5 : 2; // x0005, Home, Neighborhood
    switch (kind) {
      case MISSING_TARGET -> cells[targetIndex] = "";
      case UNPARSEABLE_NUMBER -> cells[numericIndex] = cells[numericIndex] + "x";
      default -> {}
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    int fields = kind == MalformedKind.WRONG_FIELD_COUNT ? cells.length - 1 : cells.length;
    for (int c = 0; c < fields; c++) {
      if (c > 0) {
        out.write(',');
      }
      String cell = cells[c];
      boolean text = !cell.isEmpty() && !isNumber(cell);
      if (kind == MalformedKind.UNCLOSED_QUOTE && c == textIndex) {
        writeUtf8(out, "\"" + cell);
      } else if (kind == MalformedKind.BAD_ENCODING && c == textIndex) {
        writeUtf8(out, "\"" + cell);
        out.write(0xC3); // a UTF-8 lead byte followed by a byte that cannot continue it
        out.write(0x28);
        out.write('"');
      } else {
        writeUtf8(out, text ? "\"" + cell + "\"" : cell);
      }
    }
    out.write('\n');
    return out.toByteArray();
  }

  /**
   * Writes {@code rows} rows as {@code files} CSV files under {@code dir} (any Hadoop path), in
   * parallel on the executors, and returns {@code dir}.
   */
  public String write(SparkSession spark, String dir, long rows, int files) {
    Map<String, String> hadoop = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
    SyntheticData self = this;
    long perFile = (rows + files - 1) / files;
    spark
        .range(0, files, 1, files)
        .foreach(
            (ForeachFunction<Long>)
                f ->
                    self.writeFile(hadoop, dir, f, f * perFile, Math.min(rows, (f + 1) * perFile)));
    return dir;
  }

  void writeFile(Map<String, String> hadoop, String dir, long fileIndex, long from, long to) {
    Configuration conf = new Configuration(false);
    hadoop.forEach(conf::set);
    Path path = new Path(dir, String.format(Locale.ROOT, "part-%05d.csv", fileIndex));
    try {
      FileSystem fs = path.getFileSystem(conf);
      try (OutputStream out = new java.io.BufferedOutputStream(fs.create(path, true), 1 << 16)) {
        StringBuilder header = new StringBuilder();
        for (String h : header()) {
          header.append(header.length() == 0 ? "" : ",").append('"').append(h).append('"');
        }
        out.write((header + "\n").getBytes(StandardCharsets.UTF_8));
        for (long i = from; i < to; i++) {
          out.write(line(i));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  private static String[] credit(SplittableRandom r) {
    int seniority = (int) Math.min(48, -8 * Math.log(1 - r.nextDouble()));
    String home = pick(r, HOMES, HOME_P);
    int time = TIMES[r.nextInt(TIMES.length)];
    int age = 18 + (int) Math.min(50, Math.abs(gaussian(r) * 11 + 19));
    String marital = pick(r, MARITAL, MARITAL_P);
    boolean records = r.nextDouble() < 0.17;
    String job = pick(r, JOBS, JOB_P);
    int expenses = 35 + (int) Math.min(145, Math.abs(gaussian(r) * 20 + 20));
    double income = Math.round(Math.exp(4.8 + 0.45 * gaussian(r)));
    long assets = r.nextDouble() < 0.5 ? 0 : Math.round(Math.exp(8.5 + gaussian(r)) / 100) * 100;
    long debt = r.nextDouble() < 0.8 ? 0 : Math.round(Math.exp(7 + gaussian(r)) / 10) * 10;
    int amount =
        (int) Math.max(100, Math.min(5000, Math.round((1000 + 500 * gaussian(r)) / 50) * 50));
    int price = (int) Math.round(amount * (1.1 + 0.6 * r.nextDouble()));
    double score =
        -1.3
            - 0.06 * seniority
            + (records ? 1.6 : 0)
            + (job.equals("partime") ? 1.2 : job.equals("freelance") ? 0.4 : 0)
            + (home.equals("owner") ? -0.6 : 0)
            + 1.6 * ((double) amount / price - 0.7)
            - 0.004 * (income - expenses)
            + 0.01 * time
            + 0.5 * gaussian(r);
    String status = r.nextDouble() < 1 / (1 + Math.exp(-score)) ? "bad" : "good";
    String incomeCell = r.nextDouble() < 0.08 ? "" : String.valueOf((long) income);
    String assetsCell = r.nextDouble() < 0.01 ? "" : String.valueOf(assets);
    String homeCell = r.nextDouble() < 0.002 ? "" : home;
    String jobCell = r.nextDouble() < 0.001 ? "" : job;
    return new String[] {
      status,
      String.valueOf(seniority),
      homeCell,
      String.valueOf(time),
      String.valueOf(age),
      marital,
      records ? "yes" : "no",
      jobCell,
      String.valueOf(expenses),
      incomeCell,
      assetsCell,
      String.valueOf(debt),
      String.valueOf(amount),
      String.valueOf(price)
    };
  }

  private static String[] ames(SplittableRandom r) {
    String zoning = pick(r, ZONING, ZONING_P);
    int lotArea = (int) Math.round(Math.exp(9.1 + 0.5 * gaussian(r)));
    int hood = (int) Math.min(NEIGHBORHOODS - 1, -6 * Math.log(1 - r.nextDouble()));
    String bldg = pick(r, BLDG, BLDG_P);
    int cond = indexOf(COND, pick(r, COND, COND_P));
    int yearBuilt = 2010 - (int) Math.min(138, Math.abs(gaussian(r) * 30 + 25));
    int grLiv = (int) Math.round(Math.exp(7.27 + 0.33 * gaussian(r)));
    int bsmt = r.nextDouble() < 0.03 ? 0 : (int) Math.round(grLiv * (0.5 + 0.5 * r.nextDouble()));
    boolean air = r.nextDouble() < 0.93;
    int fullBath = Math.max(0, Math.min(4, (int) Math.round(grLiv / 900.0 + 0.3 * gaussian(r))));
    int bedrooms = Math.max(0, Math.min(8, (int) Math.round(grLiv / 550.0 + 0.6 * gaussian(r))));
    int cars =
        Math.max(
            0, Math.min(5, (int) Math.round(1.8 + (yearBuilt - 1970) / 30.0 + 0.6 * gaussian(r))));
    int garageArea = cars == 0 ? 0 : (int) Math.round(cars * 260 + 60 * gaussian(r));
    int yearSold = 2006 + r.nextInt(5);
    double lon = -93.64 + 0.03 * gaussian(r) + 0.002 * hood;
    double lat = 42.03 + 0.02 * gaussian(r) - 0.001 * hood;
    double logPrice =
        11.0
            + 0.55 * Math.log(grLiv / 1500.0)
            + 0.08 * Math.log(lotArea / 9000.0)
            + 0.004 * (yearBuilt - 1970)
            + 0.05 * (cond - 4)
            + 0.00015 * bsmt
            + 0.04 * cars
            + (air ? 0.1 : -0.1)
            + 0.25 * Math.sin(hood)
            + (zoning.equals("C_all") ? -0.4 : 0)
            + 0.12 * gaussian(r);
    long price = Math.round(Math.exp(logPrice) / 100) * 100;
    return new String[] {
      zoning,
      String.valueOf(lotArea),
      "Hood_" + (char) ('A' + hood % 26) + (hood / 26 == 0 ? "" : String.valueOf(hood / 26)),
      bldg,
      COND[cond],
      String.valueOf(yearBuilt),
      String.valueOf(bsmt),
      air ? "Y" : "N",
      String.valueOf(grLiv),
      String.valueOf(fullBath),
      String.valueOf(bedrooms),
      String.valueOf(cars),
      String.valueOf(garageArea),
      String.valueOf(yearSold),
      String.format(Locale.ROOT, "%.6f", lon),
      String.format(Locale.ROOT, "%.6f", lat),
      String.valueOf(price)
    };
  }

  /**
   * A numeric column {@code c} is a unit Gaussian (a few cells missing); text columns pick one of
   * six levels. {@code y} is a linear function of the first ten numeric columns and the first text
   * column, plus noise.
   */
  private String[] wide(SplittableRandom r) {
    String[] cells = new String[wideColumns + 1];
    double y = 0;
    for (int c = 1; c <= wideColumns; c++) {
      if (c % 5 == 0) {
        int level = r.nextInt(WIDE_LEVELS.length);
        cells[c] = WIDE_LEVELS[level];
        if (c == 5) {
          y += 0.5 * level;
        }
      } else {
        double x = gaussian(r);
        if (c <= 12) {
          y += x / c;
        }
        cells[c] = r.nextDouble() < 0.01 ? "" : String.format(Locale.ROOT, "%.4f", x);
      }
    }
    cells[0] = String.format(Locale.ROOT, "%.4f", y + 0.3 * gaussian(r));
    return cells;
  }

  /**
   * Appends an ISO-8601 timestamp and moves a numeric target with the season and the hour (a text
   * target, credit's, is left alone).
   */
  private String[] withDate(String[] cells, SplittableRandom r) {
    long second = DATE_EPOCH_SECOND + (long) (r.nextDouble() * DATE_SPAN_SECONDS);
    java.time.LocalDateTime t =
        java.time.LocalDateTime.ofEpochSecond(second, 0, java.time.ZoneOffset.UTC);
    double season = Math.cos(2 * Math.PI * (t.getDayOfYear() - 1) / 365.0);
    double hour = Math.sin(2 * Math.PI * t.getHour() / 24.0);
    int target = shape == Shape.AMES ? AMES_HEADER.length - 1 : 0;
    if (shape == Shape.AMES) {
      long price = Long.parseLong(cells[target]);
      cells[target] =
          String.valueOf(Math.round(price * (1 + 0.05 * season + 0.02 * hour) / 100) * 100);
    } else if (shape == Shape.WIDE) {
      cells[target] =
          String.format(
              Locale.ROOT, "%.4f", Double.parseDouble(cells[target]) + 0.5 * season + 0.3 * hour);
    }
    String[] out = java.util.Arrays.copyOf(cells, cells.length + 1);
    out[cells.length] = ISO.format(t);
    return out;
  }

  private static String pick(SplittableRandom r, String[] values, double[] p) {
    double u = r.nextDouble();
    double acc = 0;
    for (int i = 0; i < values.length; i++) {
      acc += p[i];
      if (u < acc) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  private static int indexOf(String[] values, String v) {
    for (int i = 0; i < values.length; i++) {
      if (values[i].equals(v)) {
        return i;
      }
    }
    throw new IllegalArgumentException(v);
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void writeUtf8(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** SplitMix64 finalizer over (seed, index): neighbouring rows get unrelated streams. */
  static long mix(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
