package io.dlpipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlpipe.config.ScheduleConfig;
import io.dlpipe.drift.DriftReport;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every branch of run --date's retrain decision, with the reason it logs; no Spark. */
class ScheduleDecisionTest {
  private static final LocalDate SATURDAY = LocalDate.of(2026, 11, 28);
  private static final LocalDate MONDAY = LocalDate.of(2026, 11, 30);
  private static final String SUCCESS = "/ws/model/_SUCCESS";
  private static final DriftReport.Thresholds T = new DriftReport.Thresholds(0.2, 0.05, 1e-4);
  private static final DriftReport CALM =
      new DriftReport(
          "2026-11-28",
          "m",
          10,
          20,
          T,
          false,
          "no drift: largest psi 0.0100 (Age)",
          List.of(),
          List.of());
  private static final DriftReport SHIFTED =
      new DriftReport(
          "2026-11-28",
          "m",
          10,
          20,
          T,
          true,
          "drift: Income psi 5.3511 > 0.2",
          List.of(new DriftReport.Crossing("Income", "psi", 5.3511, 0.2)),
          List.of());

  private static ScheduleConfig schedule(ScheduleConfig.Retrain retrain) {
    return new ScheduleConfig(
        SATURDAY, retrain, DayOfWeek.MONDAY, new ScheduleConfig.Drift(0.2, 0.05));
  }

  private static StageDecision decide(
      ScheduleConfig.Retrain retrain,
      LocalDate date,
      boolean hasModel,
      boolean force,
      DriftReport drift) {
    return ScheduledRun.decide(schedule(retrain), date, hasModel, force, drift, SUCCESS);
  }

  @Test
  void everyScheduleRetrainsWithoutAModelAndWithForce() {
    for (ScheduleConfig.Retrain r : ScheduleConfig.Retrain.values()) {
      assertEquals(
          new StageDecision("retrain", true, "no model yet (no /ws/model/_SUCCESS)"),
          decide(r, SATURDAY, false, false, null));
      assertEquals(
          new StageDecision("retrain", true, "--force"), decide(r, SATURDAY, true, true, CALM));
    }
  }

  @Test
  void eachScheduleDecidesByItsOwnRule() {
    assertEquals(
        new StageDecision("retrain", true, "schedule.retrain = daily"),
        decide(ScheduleConfig.Retrain.DAILY, SATURDAY, true, false, CALM));
    assertEquals(
        new StageDecision(
            "retrain", false, "schedule.retrain = weekly: 2026-11-28 is a saturday, not a monday"),
        decide(ScheduleConfig.Retrain.WEEKLY, SATURDAY, true, false, SHIFTED));
    assertEquals(
        new StageDecision("retrain", true, "schedule.retrain = weekly and 2026-11-30 is a monday"),
        decide(ScheduleConfig.Retrain.WEEKLY, MONDAY, true, false, CALM));
    assertEquals(
        new StageDecision("retrain", false, "schedule.retrain = never and a model exists"),
        decide(ScheduleConfig.Retrain.NEVER, MONDAY, true, false, SHIFTED));
    assertEquals(
        new StageDecision(
            "retrain", false, "schedule.retrain = on-drift and no drift: largest psi 0.0100 (Age)"),
        decide(ScheduleConfig.Retrain.ON_DRIFT, SATURDAY, true, false, CALM));
    assertEquals(
        new StageDecision(
            "retrain",
            true,
            "schedule.retrain = on-drift and the day drifted: Income psi 5.3511 > 0.2"),
        decide(ScheduleConfig.Retrain.ON_DRIFT, SATURDAY, true, false, SHIFTED));
    // A model fitted before drift existed has nothing to measure against: retraining once gives it
    // a reference.
    assertEquals(
        new StageDecision(
            "retrain",
            true,
            "schedule.retrain = on-drift and the model has no drift reference to measure against; retraining gives it one"),
        decide(ScheduleConfig.Retrain.ON_DRIFT, SATURDAY, true, false, null));
  }
}
