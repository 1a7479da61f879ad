package io.dlpipe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StageTimerTest {
  @Test
  void etaReadsLikeADuration() {
    assertEquals("42s", StageTimer.duration(41.6));
    assertEquals("2m05s", StageTimer.duration(125));
    assertEquals("1h01m", StageTimer.duration(3671));
  }
}
