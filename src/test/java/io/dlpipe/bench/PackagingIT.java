package io.dlpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness stays out of the product: {@code package} builds dlpipe.jar and
 * dlpipe-spark.jar without a class of {@code io.dlpipe.bench}, puts every one of them into
 * dlpipe-bench.jar (what jobs/bench runs), and no product class refers to one, which would fail
 * only at run time, on a cluster, once the harness is gone.
 */
class PackagingIT {
  private static final Path TARGET = TestData.projectDir().resolve("target");
  private static final String BENCH = "io/dlpipe/bench/";

  @Test
  void theProductJarsHoldNoBenchmarkClass() throws IOException {
    for (String jar : List.of("dlpipe.jar", "dlpipe-spark.jar")) {
      List<String> bench =
          entries(TARGET.resolve(jar)).stream().filter(e -> e.startsWith(BENCH)).toList();
      assertEquals(List.of(), bench, jar);
    }
    assertTrue(
        entries(TARGET.resolve("dlpipe.jar")).contains("io/dlpipe/cli/Main.class"),
        "dlpipe.jar holds the product");
    try (JarFile jar = new JarFile(TARGET.resolve("dlpipe.jar").toFile())) {
      assertEquals(
          "io.dlpipe.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void theBenchJarHoldsTheWholeHarnessAndNothingElse() throws IOException {
    TreeSet<String> compiled = new TreeSet<>();
    Path classes = TARGET.resolve("classes");
    try (Stream<Path> files = Files.walk(classes.resolve(BENCH))) {
      files
          .filter(p -> p.toString().endsWith(".class"))
          .forEach(p -> compiled.add(classes.relativize(p).toString().replace('\\', '/')));
    }
    TreeSet<String> jarred = new TreeSet<>();
    for (String e : entries(TARGET.resolve("dlpipe-bench.jar"))) {
      if (e.endsWith(".class")) {
        jarred.add(e);
      }
    }
    assertTrue(compiled.contains(BENCH + "BenchMain.class"), compiled.toString());
    assertEquals(compiled, jarred);
    try (JarFile jar = new JarFile(TARGET.resolve("dlpipe-bench.jar").toFile())) {
      assertEquals(
          "io.dlpipe.bench.BenchMain",
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void noProductClassRefersToTheHarness() throws IOException {
    List<String> referring = new ArrayList<>();
    try (JarFile jar = new JarFile(TARGET.resolve("dlpipe.jar").toFile())) {
      for (JarEntry e : jar.stream().toList()) {
        if (e.getName().endsWith(".class")) {
          try (InputStream in = jar.getInputStream(e)) {
            // A class's constant pool names every class it uses, in internal form.
            if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(BENCH)) {
              referring.add(e.getName());
            }
          }
        }
      }
    }
    assertEquals(List.of(), referring);
  }

  private static List<String> entries(Path jar) throws IOException {
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.stream().map(JarEntry::getName).toList();
    }
  }
}
