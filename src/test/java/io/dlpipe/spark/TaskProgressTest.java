package io.dlpipe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TaskProgressTest {
  @Test
  void etaReadsLikeADuration() {
    assertEquals("42s", TaskProgress.duration(41.6));
    assertEquals("2m05s", TaskProgress.duration(125));
    assertEquals("1h01m", TaskProgress.duration(3671));
  }
}
