package io.dlpipe.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlpipe.etl.EtlJob;
import io.dlpipe.etl.EtlSummary;
import io.dlpipe.testing.TestData;
import io.dlpipe.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTest {
  @TempDir Path tmp;

  /** Data lines of every file in name order, headers dropped. */
  private static byte[] dataLines(Path dir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    }
    for (Path f : files) {
      byte[] b = Files.readAllBytes(f);
      int firstNewline = 0;
      while (b[firstNewline] != '\n') {
        firstNewline++;
      }
      out.write(b, firstNewline + 1, b.length - firstNewline - 1);
    }
    return out.toByteArray();
  }

  @Test
  void sameSeedSameRowsWhateverTheNumberOfFiles() throws IOException {
    SyntheticData gen = new SyntheticData(Shape.AMES, 11, 0.05);
    gen.write(TestSpark.get(), tmp.resolve("one").toString(), 3000, 1);
    gen.write(TestSpark.get(), tmp.resolve("five").toString(), 3000, 5);
    assertArrayEquals(dataLines(tmp.resolve("one")), dataLines(tmp.resolve("five")));
    try (Stream<Path> s = Files.list(tmp.resolve("five"))) {
      assertEquals(5, s.filter(p -> p.toString().endsWith(".csv")).count());
    }
    byte[] other = new SyntheticData(Shape.AMES, 12, 0.05).line(0);
    assertTrue(!java.util.Arrays.equals(other, gen.line(0)), "another seed, other rows");
  }

  @Test
  void etlOnAnUnseenCsvWithOnlyTheFiveKeysQuarantinesExactlyTheInjectedRows() {
    long rows = 20_000;
    SyntheticData gen = new SyntheticData(Shape.CREDIT, 7, 0.02);
    String dir = gen.write(TestSpark.get(), tmp.resolve("raw").toString(), rows, 4);

    Map<MalformedKind, Long> injected = new EnumMap<>(MalformedKind.class);
    for (long i = 0; i < rows; i++) {
      injected.merge(gen.kindOf(i), 1L, Long::sum);
    }
    Map<String, Long> expected = new TreeMap<>();
    expected.put("malformed_row", injected.get(MalformedKind.WRONG_FIELD_COUNT) + injected.get(MalformedKind.UNCLOSED_QUOTE));
    expected.put("bad_encoding", injected.get(MalformedKind.BAD_ENCODING));
    expected.put("missing_target", injected.get(MalformedKind.MISSING_TARGET));
    expected.put("unparseable_numeric", injected.get(MalformedKind.UNPARSEABLE_NUMBER));
    assertTrue(expected.values().stream().allMatch(n -> n > 40), "every kind is exercised: " + expected);

    EtlSummary s = new EtlJob(TestSpark.get(), TestData.config(dir, "csv", "Status", "classification", tmp.resolve("ws"))).run().summary();
    assertEquals(rows, s.rowsRead());
    assertEquals(expected, s.quarantinedByReason());
    assertEquals(rows - injected.get(MalformedKind.NONE), s.rowsQuarantined());
    assertTrue(s.reconciles());
  }
}
