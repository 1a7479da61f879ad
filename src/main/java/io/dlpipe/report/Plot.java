package io.dlpipe.report;

import static io.dlpipe.report.Fmt.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One x/y chart drawn as inline SVG: gridlines, labelled ticks, axis titles, data marks and an HTML
 * legend. It counts the data marks it draws (a point, a bar, or a vertex of a line that is data),
 * so the page can state how many each chart holds and the browser test can check they rendered.
 * Guides (the y = x line, a best-epoch marker) are not marks.
 */
final class Plot {
  static final String BLUE = "#2563eb";
  static final String ORANGE = "#ea580c";
  static final String GREY = "#64748b";
  static final String GREEN = "#16a34a";
  static final String RED = "#dc2626";

  private final String name;
  private final int width;
  private final int height;
  private final int left;
  private final int right = 18;
  private final int top = 14;
  private final int bottom = 46;
  private Scale x;
  private Scale y;
  private String xTitle = "";
  private String yTitle = "";
  private Map<Double, String> yCategoryLabels;
  private final StringBuilder guides = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private final StringBuilder notes = new StringBuilder();
  private final List<String> legend = new ArrayList<>();
  private int marks;

  Plot(String name, int width, int height, int left) {
    this.name = name;
    this.width = width;
    this.height = height;
    this.left = left;
  }

  Plot(String name) {
    this(name, 540, 340, 64);
  }

  Plot x(double min, double max, String title) {
    this.x = Scale.nice(min, max, 6, left, width - right);
    this.xTitle = title;
    return this;
  }

  Plot y(double min, double max, String title) {
    this.y = Scale.nice(min, max, 5, height - bottom, top);
    this.yTitle = title;
    return this;
  }

  Plot xFixed(double lo, double hi, double step, String title) {
    this.x = Scale.fixed(lo, hi, step, left, width - right);
    this.xTitle = title;
    return this;
  }

  Plot yFixed(double lo, double hi, double step, String title) {
    this.y = Scale.fixed(lo, hi, step, height - bottom, top);
    this.yTitle = title;
    return this;
  }

  /** Categories on the y axis (bar charts): labels at the given y values, no numeric ticks. */
  Plot yCategories(double lo, double hi, Map<Double, String> labels) {
    this.y = Scale.fixed(lo, hi, hi - lo, top, height - bottom);
    this.yCategoryLabels = labels;
    this.yTitle = "";
    return this;
  }

  double px(double v) {
    return x.map(v);
  }

  double py(double v) {
    return y.map(v);
  }

  int marks() {
    return marks;
  }

  /** A data point. */
  void point(double vx, double vy, double r, String color, double opacity, String tooltip) {
    data.append("<circle class=\"mark\" cx=\"")
        .append(Fmt.px(px(vx)))
        .append("\" cy=\"")
        .append(Fmt.px(py(vy)))
        .append("\" r=\"")
        .append(Fmt.px(r))
        .append("\" fill=\"")
        .append(color)
        .append("\" fill-opacity=\"")
        .append(Fmt.px(opacity))
        .append("\"><title>")
        .append(esc(tooltip))
        .append("</title></circle>");
    marks++;
  }

  /** A line through data points; each vertex counts as a mark when {@code isData}. */
  void line(
      List<double[]> points, String color, double strokeWidth, boolean dashed, boolean isData) {
    if (points.isEmpty()) {
      return;
    }
    StringBuilder target = isData ? data : guides;
    target
        .append("<polyline")
        .append(isData ? " class=\"mark\"" : "")
        .append(" fill=\"none\" stroke=\"")
        .append(color)
        .append("\" stroke-width=\"")
        .append(Fmt.px(strokeWidth))
        .append("\" stroke-linejoin=\"round\"")
        .append(dashed ? " stroke-dasharray=\"6 4\"" : "")
        .append(" points=\"");
    for (double[] p : points) {
      target.append(Fmt.px(px(p[0]))).append(',').append(Fmt.px(py(p[1]))).append(' ');
    }
    target.setLength(target.length() - 1);
    target.append("\"/>");
    if (isData) {
      marks += points.size();
    }
  }

  /** A guide line in data coordinates, under the data. */
  void guide(double x1, double y1, double x2, double y2, String color, boolean dashed) {
    line(List.of(new double[] {x1, y1}, new double[] {x2, y2}), color, 1.25, dashed, false);
  }

  /** A bar (or histogram bin) spanning data coordinates [x0, x1] x [y0, y1]. */
  void bar(double x0, double x1, double y0, double y1, String color, String tooltip) {
    double a = px(Math.min(x0, x1));
    double b = px(Math.max(x0, x1));
    double c = py(Math.max(y0, y1));
    double d = py(Math.min(y0, y1));
    double top = Math.min(c, d);
    double w = Math.max(1, Math.abs(b - a));
    double h = Math.max(1, Math.abs(d - c));
    data.append("<rect class=\"mark\" x=\"")
        .append(Fmt.px(a))
        .append("\" y=\"")
        .append(Fmt.px(top))
        .append("\" width=\"")
        .append(Fmt.px(w))
        .append("\" height=\"")
        .append(Fmt.px(h))
        .append("\" fill=\"")
        .append(color)
        .append("\"><title>")
        .append(esc(tooltip))
        .append("</title></rect>");
    marks++;
  }

  /** A horizontal error whisker (not a mark). */
  void whisker(double x0, double x1, double vy, String color) {
    double yy = py(vy);
    notes
        .append("<path d=\"M")
        .append(Fmt.px(px(x0)))
        .append(',')
        .append(Fmt.px(yy))
        .append("H")
        .append(Fmt.px(px(x1)))
        .append("M")
        .append(Fmt.px(px(x0)))
        .append(',')
        .append(Fmt.px(yy - 4))
        .append("v8M")
        .append(Fmt.px(px(x1)))
        .append(',')
        .append(Fmt.px(yy - 4))
        .append("v8\" stroke=\"")
        .append(color)
        .append("\" stroke-width=\"1.2\" fill=\"none\"/>");
  }

  /** A text annotation at data coordinates, drawn over the data. */
  void label(double vx, double vy, String text, String anchor, int dx, int dy, String color) {
    notes
        .append("<text x=\"")
        .append(Fmt.px(px(vx) + dx))
        .append("\" y=\"")
        .append(Fmt.px(py(vy) + dy))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\" style=\"fill:")
        .append(color)
        .append("\" class=\"note\">")
        .append(esc(text))
        .append("</text>");
  }

  /** A vertical marker across the whole plot at data x, labelled at the top. */
  void marker(double vx, String text, String color) {
    double xx = px(vx);
    guides
        .append("<line x1=\"")
        .append(Fmt.px(xx))
        .append("\" x2=\"")
        .append(Fmt.px(xx))
        .append("\" y1=\"")
        .append(top)
        .append("\" y2=\"")
        .append(height - bottom)
        .append("\" stroke=\"")
        .append(color)
        .append("\" stroke-width=\"1.25\" stroke-dasharray=\"4 3\"/>");
    boolean rightHalf = xx > (left + width - right) / 2.0;
    notes
        .append("<text x=\"")
        .append(Fmt.px(xx + (rightHalf ? -5 : 5)))
        .append("\" y=\"")
        .append(top + 12)
        .append("\" text-anchor=\"")
        .append(rightHalf ? "end" : "start")
        .append("\" style=\"fill:")
        .append(color)
        .append("\" class=\"note\">")
        .append(esc(text))
        .append("</text>");
  }

  /** A legend entry: kind is line, dash, dot or box. */
  void legend(String kind, String color, String text) {
    legend.add(
        "<span class=\"key\"><i class=\"sw "
            + kind
            + "\" style=\"--c:"
            + color
            + "\"></i>"
            + esc(text)
            + "</span>");
  }

  /** The chart as a figure element carrying {@code data-chart} and {@code data-marks}. */
  String figure(String title, String subtitle) {
    StringBuilder out = new StringBuilder();
    out.append("<figure class=\"chart\" data-chart=\"")
        .append(esc(name))
        .append("\" data-marks=\"")
        .append(marks)
        .append("\">");
    out.append("<figcaption>").append(esc(title));
    if (subtitle != null && !subtitle.isEmpty()) {
      out.append("<small>").append(esc(subtitle)).append("</small>");
    }
    out.append("</figcaption>");
    if (!legend.isEmpty()) {
      out.append("<div class=\"legend\">").append(String.join("", legend)).append("</div>");
    }
    out.append(svg(title));
    out.append("</figure>");
    return out.toString();
  }

  private String svg(String aria) {
    StringBuilder s = new StringBuilder();
    int plotW = width - right - left;
    int plotH = height - bottom - top;
    s.append("<svg viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(esc(aria))
        .append("\">");
    String clip = "clip-" + name.replaceAll("[^A-Za-z0-9_-]", "_");
    s.append("<defs><clipPath id=\"")
        .append(clip)
        .append("\"><rect x=\"")
        .append(left - 4)
        .append("\" y=\"")
        .append(top - 4)
        .append("\" width=\"")
        .append(plotW + 8)
        .append("\" height=\"")
        .append(plotH + 8)
        .append("\"/></clipPath></defs>");
    s.append("<g class=\"axis\">");
    for (double t : x.ticks()) {
      double xx = x.map(t);
      s.append("<line class=\"grid\" x1=\"")
          .append(Fmt.px(xx))
          .append("\" x2=\"")
          .append(Fmt.px(xx))
          .append("\" y1=\"")
          .append(top)
          .append("\" y2=\"")
          .append(height - bottom)
          .append("\"/>");
      s.append("<text x=\"")
          .append(Fmt.px(xx))
          .append("\" y=\"")
          .append(height - bottom + 16)
          .append("\" text-anchor=\"middle\">")
          .append(esc(Fmt.tick(t, x.step())))
          .append("</text>");
    }
    if (yCategoryLabels == null) {
      for (double t : y.ticks()) {
        double yy = y.map(t);
        s.append("<line class=\"grid\" x1=\"")
            .append(left)
            .append("\" x2=\"")
            .append(width - right)
            .append("\" y1=\"")
            .append(Fmt.px(yy))
            .append("\" y2=\"")
            .append(Fmt.px(yy))
            .append("\"/>");
        s.append("<text x=\"")
            .append(left - 8)
            .append("\" y=\"")
            .append(Fmt.px(yy + 4))
            .append("\" text-anchor=\"end\">")
            .append(esc(Fmt.tick(t, y.step())))
            .append("</text>");
      }
    } else {
      for (Map.Entry<Double, String> e : yCategoryLabels.entrySet()) {
        String full = e.getValue();
        String shown = full.length() > 30 ? full.substring(0, 29) + "…" : full;
        s.append("<text x=\"")
            .append(left - 8)
            .append("\" y=\"")
            .append(Fmt.px(y.map(e.getKey()) + 4))
            .append("\" text-anchor=\"end\" class=\"cat\">")
            .append("<title>")
            .append(esc(full))
            .append("</title>")
            .append(esc(shown))
            .append("</text>");
      }
    }
    s.append("<line class=\"base\" x1=\"")
        .append(left)
        .append("\" x2=\"")
        .append(width - right)
        .append("\" y1=\"")
        .append(height - bottom)
        .append("\" y2=\"")
        .append(height - bottom)
        .append("\"/>");
    s.append("<line class=\"base\" x1=\"")
        .append(left)
        .append("\" x2=\"")
        .append(left)
        .append("\" y1=\"")
        .append(top)
        .append("\" y2=\"")
        .append(height - bottom)
        .append("\"/>");
    s.append("<text class=\"title\" x=\"")
        .append(Fmt.px(left + plotW / 2.0))
        .append("\" y=\"")
        .append(height - 8)
        .append("\" text-anchor=\"middle\">")
        .append(esc(xTitle))
        .append("</text>");
    if (!yTitle.isEmpty()) {
      double cy = top + plotH / 2.0;
      s.append("<text class=\"title\" transform=\"translate(14 ")
          .append(Fmt.px(cy))
          .append(") rotate(-90)\" text-anchor=\"middle\">")
          .append(esc(yTitle))
          .append("</text>");
    }
    s.append("</g>");
    s.append("<g clip-path=\"url(#")
        .append(clip)
        .append(")\">")
        .append(guides)
        .append(data)
        .append("</g>");
    s.append(notes);
    s.append("</svg>");
    return s.toString();
  }
}
