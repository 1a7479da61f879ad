package io.dlpipe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Medians and rates of repeated runs, which every ratio in results.json is built from. */
class TimingTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, Timing.median(List.of(3.0, 1.0, 2.0)), 0);
    assertEquals(2.5, Timing.median(List.of(4.0, 1.0, 3.0, 2.0)), 0);
    assertEquals(7.0, Timing.median(List.of(7.0)), 0);
  }

  @Test
  void rateIsItemsOverTheMedianRun() {
    Timing t = Timing.of(1000, List.of(4.0, 2.0, 10.0, 1.0));
    assertEquals(List.of(4.0, 2.0, 10.0, 1.0), t.seconds());
    assertEquals(3.0, t.medianSeconds(), 0);
    assertEquals(1000 / 3.0, t.perSecond(), 0);
  }

  @Test
  void noRunIsAnError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Timing.of(1, List.of()));
    assertEquals("no run was timed", e.getMessage());
  }

  @Test
  void headlineEtlCaseIsTheLargestAmesCase() {
    Timing t = Timing.of(10, List.of(1.0));
    BenchResults.EtlCase ames1 = new BenchResults.EtlCase("ames", 1000, 17, 60, t, t, t, 1, 1);
    BenchResults.EtlCase ames2 = new BenchResults.EtlCase("ames", 5000, 17, 60, t, t, t, 1, 1);
    BenchResults.EtlCase wide = new BenchResults.EtlCase("wide", 90000, 512, 600, t, t, t, 1, 1);
    assertEquals(ames2, BenchSuite.headline(List.of(ames1, wide, ames2)));
    assertEquals(wide, BenchSuite.headline(List.of(wide)));
    assertEquals(null, BenchSuite.headline(List.of()));
  }
}
