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
    expected.put(
        "malformed_row",
        injected.get(MalformedKind.WRONG_FIELD_COUNT) + injected.get(MalformedKind.UNCLOSED_QUOTE));
    expected.put("bad_encoding", injected.get(MalformedKind.BAD_ENCODING));
    expected.put("missing_target", injected.get(MalformedKind.MISSING_TARGET));
    expected.put("unparseable_numeric", injected.get(MalformedKind.UNPARSEABLE_NUMBER));
    assertTrue(
        expected.values().stream().allMatch(n -> n > 40), "every kind is exercised: " + expected);

    EtlSummary s =
        new EtlJob(
                TestSpark.get(),
                TestData.config(dir, "csv", "Status", "classification", tmp.resolve("ws")))
            .run()
            .summary();
    assertEquals(rows, s.rowsRead());
    assertEquals(expected, s.quarantinedByReason());
    assertEquals(rows - injected.get(MalformedKind.NONE), s.rowsQuarantined());
    assertTrue(s.reconciles());
  }

  @Test
  void wideShapeHasTheAskedColumnsAndADateColumnWhenAsked() throws IOException {
    SyntheticData gen = new SyntheticData(Shape.WIDE, 3, 0.0, 12, true);
    assertEquals(
        List.of(
            "y",
            "x0001",
            "x0002",
            "x0003",
            "x0004",
            "x0005",
            "x0006",
            "x0007",
            "x0008",
            "x0009",
            "x0010",
            "x0011",
            "x0012",
            "Recorded_At"),
        List.of(gen.header()));
    assertEquals("y", gen.target());
    String line = new String(gen.line(0), java.nio.charset.StandardCharsets.UTF_8).strip();
    String[] cells = line.split(",", -1);
    assertEquals(14, cells.length);
    assertTrue(cells[5].matches("\"[a-f]\""), "x0005 is a quoted level: " + line);
    assertTrue(
        cells[13].matches("\"20(0[6-9]|10)-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\""),
        "ISO timestamp: " + cells[13]);

    String dir =
        new SyntheticData(Shape.AMES, 5, 0.0, 2, true)
            .write(TestSpark.get(), tmp.resolve("dated").toString(), 600, 2);
    io.dlpipe.etl.EtlResult r =
        new EtlJob(
                TestSpark.get(),
                TestData.config(dir, "csv", "Sale_Price", "regression", tmp.resolve("ws")))
            .run();
    assertEquals(
        "date",
        r.transform().columns().stream()
            .filter(c -> c.name().equals("Recorded_At"))
            .findFirst()
            .orElseThrow()
            .role());
    assertEquals(
        List.of("year", "month", "day-of-week", "day-of-year", "hour"),
        r.transform().dates().get(0).parts());
    assertEquals(600, r.summary().rowsRead());
  }
}
