package io.dlpipe.report;

import java.util.Locale;

/**
 * Escaping and number formatting for the page. Every piece of text that reaches the HTML goes
 * through {@link #esc}: column names, class labels and config values come from user data.
 */
final class Fmt {
  private Fmt() {}

  /** Text safe inside HTML element content and double- or single-quoted attributes. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // control characters would make the XML of an inline SVG ill-formed when saved alone
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * A measured value for a reader: thousands grouped when large, four significant decimals when
   * small, so that an R² of 0.91234 and an MSE of 1,234,567,890 both read at a glance.
   */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "−∞";
    }
    double a = Math.abs(v);
    String s;
    if (a == 0) {
      s = "0";
    } else if (a >= 1000) {
      s = String.format(Locale.ROOT, "%,.0f", v);
    } else if (a >= 100) {
      s = String.format(Locale.ROOT, "%.1f", v);
    } else if (a >= 10) {
      s = String.format(Locale.ROOT, "%.2f", v);
    } else if (a >= 0.0001) {
      s = String.format(Locale.ROOT, "%.4f", v);
    } else {
      s = String.format(Locale.ROOT, "%.2e", v);
    }
    return minus(s);
  }

  /** A typographic minus sign for a leading hyphen (an exponent's sign stays ASCII). */
  static String minus(String s) {
    return s.startsWith("-") ? "−" + s.substring(1) : s;
  }

  /** A signed difference, always with its sign. */
  static String signed(double v) {
    String s = num(v);
    return v > 0 ? "+" + s : s;
  }

  /** A count with grouped thousands. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A share as a percentage with one decimal. */
  static String percent(double share) {
    return minus(String.format(Locale.ROOT, "%.1f %%", 100 * share));
  }

  /** A duration: seconds below two minutes, then minutes and seconds, then hours and minutes. */
  static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "n/a";
    }
    if (s < 120) {
      return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
    }
    long t = Math.round(s);
    if (t < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", t / 3600, (t % 3600) / 60);
  }

  /** A tick label: as many decimals as the tick step needs, k / M suffixes for large values. */
  static String tick(double v, double step) {
    if (Math.abs(v) < step * 1e-9) {
      return "0";
    }
    double scale = 1;
    String suffix = "";
    double top = Math.max(Math.abs(v), step);
    if (top >= 1e6) {
      scale = 1e6;
      suffix = "M";
    } else if (top >= 1e4) {
      scale = 1e3;
      suffix = "k";
    }
    double s = step / scale;
    int magnitude = (int) Math.floor(Math.log10(s) + 1e-9);
    boolean half =
        s / Math.pow(10, magnitude) % 1 > 1e-6; // 2.5 × 10^m: one more digit than 2 × 10^m
    int decimals = Math.max(0, -magnitude + (half ? 1 : 0));
    return minus(String.format(Locale.ROOT, "%." + decimals + "f", v / scale) + suffix);
  }

  /** A number for an SVG attribute: two decimals, no locale. */
  static String px(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
