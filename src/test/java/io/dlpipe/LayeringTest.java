package io.dlpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, checked on the sources: a package may use only the
 * packages listed before it in {@link #LAYERS}, so nothing imports upward and there are no cycles.
 * A new package gets its place in the list (and its paragraph in the document).
 */
class LayeringTest {
  /** Bottom first. The root package (exceptions, exit codes) sits below all of them. */
  static final List<String> LAYERS =
      List.of(
          "config",
          "io",
          "spark",
          "workspace",
          "input",
          "synth",
          "etl",
          "head",
          "net",
          "train",
          "report",
          "eval",
          "drift",
          "ml",
          "run",
          "submit",
          "doctor",
          "yarn",
          "cli",
          "bench");

  private static final Path SOURCES = TestData.projectDir().resolve("src/main/java/io/dlpipe");

  /** A use of another dlpipe package in code: an import or a fully qualified name. */
  private static final Pattern USE = Pattern.compile("\\bio\\.dlpipe\\.([a-z]+)\\.[A-Za-z]");

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

  @Test
  void everyPackageHasItsPlace() throws IOException {
    TreeSet<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    }
    packages.removeAll(LAYERS);
    assertEquals(
        new TreeSet<>(),
        packages,
        "each package of src/main/java/io/dlpipe needs its place in LAYERS and docs/architecture.md");
  }

  @Test
  void noPackageUsesOneAboveIt() throws IOException {
    List<String> upward = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String from = SOURCES.relativize(f).getName(0).toString();
        if (!LAYERS.contains(from)) {
          continue; // the root package, and packages everyPackageHasItsPlace reports
        }
        boolean textBlock = false;
        for (String line : Files.readAllLines(f)) {
          // A text block, from one triple quote to the next, is text like a string literal.
          boolean delimits = (line.length() - line.replace("\"\"\"", "").length()) / 3 % 2 == 1;
          if (textBlock || delimits) {
            textBlock ^= delimits;
            continue;
          }
          String code = code(line);
          Matcher m = USE.matcher(code);
          while (m.find()) {
            String to = m.group(1);
            if (!to.equals(from) && LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
              upward.add(SOURCES.relativize(f) + " uses " + to + ": " + code.trim());
            }
          }
        }
      }
    }
    assertEquals(List.of(), upward);
  }

  /**
   * A source line without its comment and string literals: they may name any class (a main class to
   * launch).
   */
  private static String code(String line) {
    String t = line.trim();
    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
      return "";
    }
    String code = STRING.matcher(line).replaceAll("\"\"");
    int comment = code.indexOf("//");
    return comment >= 0 ? code.substring(0, comment) : code;
  }
}
