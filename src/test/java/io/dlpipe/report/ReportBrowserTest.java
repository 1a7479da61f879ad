package io.dlpipe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Renders the report in a real browser, Debian's headless Chromium, and checks what a reader would
 * see: every chart drew exactly the marks its data calls for, and the screenshot is a page, not a
 * blank. The pages and screenshots stay in {@code target/report-browser/} to be looked at.
 *
 * <p>Chromium is required, not optional: without it this test fails, because a report that was
 * never rendered is a report nobody checked. {@code .ci/run} installs it.
 */
class ReportBrowserTest {
  private static final Instant GENERATED = Instant.parse("2024-06-11T09:20:00Z");
  private static final Pattern CHART =
      Pattern.compile("<figure\\b[^>]*\\bdata-chart=\"([^\"]+)\"[^>]*>");

  @Test
  void regressionReportRendersEveryChart() throws Exception {
    check("regression", ReportFixtures.regression());
  }

  @Test
  void binaryClassificationReportRendersEveryChart() throws Exception {
    check("binary", ReportFixtures.binary());
  }

  private static void check(String name, ReportFixtures.Inputs in) throws Exception {
    Path chromium = chromium();
    Path dir = Paths.get(System.getProperty("dlpipe.project.dir", "."), "target", "report-browser");
    Files.createDirectories(dir);
    Path html = dir.resolve(name + ".html");
    Files.writeString(
        html,
        ReportWriter.html(
            in.metrics(), in.curves(), in.history(), in.etlSummary(), in.model(), GENERATED),
        StandardCharsets.UTF_8);

    String dom =
        run(
            chromium,
            dir,
            List.of("--virtual-time-budget=5000", "--dump-dom", html.toUri().toString()));
    Map<String, Map<String, String>> charts = new LinkedHashMap<>();
    Matcher m = CHART.matcher(dom);
    while (m.find()) {
      charts.put(m.group(1), attributes(m.group()));
    }
    assertEquals(in.marks().keySet(), charts.keySet(), "the charts on the " + name + " page");
    for (Map.Entry<String, Map<String, String>> c : charts.entrySet()) {
      Map<String, String> a = c.getValue();
      String expected = String.valueOf(in.marks().get(c.getKey()));
      assertEquals(
          "true",
          a.get("data-drawn"),
          c.getKey() + ": data-drawn, with " + a.get("data-rendered-marks") + " marks rendered");
      assertEquals(expected, a.get("data-marks"), c.getKey() + ": data-marks");
      assertEquals(
          expected, a.get("data-rendered-marks"), c.getKey() + ": marks the browser laid out");
    }

    Path png = dir.resolve(name + ".png");
    Files.deleteIfExists(png);
    run(
        chromium,
        dir,
        List.of(
            "--window-size=1280,4000",
            "--hide-scrollbars",
            "--screenshot=" + png,
            html.toUri().toString()));
    assertTrue(Files.size(png) > 0, "no screenshot at " + png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(1280, img.getWidth(), "screenshot width");
    assertEquals(4000, img.getHeight(), "screenshot height");
    Set<Integer> colours = new HashSet<>();
    long nonWhite = 0;
    long blue = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        int r = rgb >> 16;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r < 235 || g < 235 || b < 235) {
          nonWhite++;
        }
        if (b > 180 && r < 90 && g < 140) {
          blue++; // the network's colour: scatter points, curves, bars
        }
      }
    }
    long sampled = (long) (img.getWidth() / 2) * (img.getHeight() / 2);
    assertTrue(
        colours.size() > 500,
        name + ": only " + colours.size() + " distinct colours in the screenshot");
    assertTrue(
        nonWhite > sampled / 20,
        name + ": only " + nonWhite + " of " + sampled + " sampled pixels are not white");
    assertTrue(blue > 2000, name + ": only " + blue + " sampled pixels in the chart blue");
  }

  private static Map<String, String> attributes(String tag) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher a = Pattern.compile("([a-z-]+)=\"([^\"]*)\"").matcher(tag);
    while (a.find()) {
      out.put(a.group(1), a.group(2));
    }
    return out;
  }

  private static Path chromium() {
    String env = System.getenv("CHROMIUM");
    Path p = Paths.get(env == null || env.isBlank() ? "/usr/bin/chromium" : env);
    if (!Files.isExecutable(p)) {
      fail(
          "Chromium is needed to render the report but "
              + p
              + " is not an executable: .ci/run installs it "
              + "(apt-get install -y chromium), or set CHROMIUM to a Chromium binary.");
    }
    return p;
  }

  /** Runs headless Chromium with a fresh profile and no network features; returns its stdout. */
  private static String run(Path chromium, Path dir, List<String> args)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("dlpipe-chromium");
    Path stdout = Files.createTempFile(dir, "chromium", ".out");
    Path stderr = Files.createTempFile(dir, "chromium", ".err");
    try {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  chromium.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--disable-dev-shm-usage",
                  "--user-data-dir=" + profile));
      cmd.addAll(args);
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        fail("Chromium did not finish within 120 s: " + cmd + "\n" + Files.readString(stderr));
      }
      if (p.exitValue() != 0) {
        fail(
            "Chromium exited with " + p.exitValue() + ": " + cmd + "\n" + Files.readString(stderr));
      }
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
