package io.dlpipe.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The run's date and what {@code dlpipe run --date} does with it: retrain, or score the day's
 * partition with the current model, and when drift is large enough to retrain. Without a date
 * none of it applies and {@code run} behaves as it always did.
 *
 * @param date {@code run.date} (set by {@code --date YYYY-MM-DD}); null when unset
 * @param retrain when a dated run refits the transform and retrains
 * @param weekday the day a {@link Retrain#WEEKLY} schedule retrains on
 * @param drift the thresholds of {@link Retrain#ON_DRIFT}, also reported in every drift.json
 */
public record ScheduleConfig(LocalDate date, Retrain retrain, DayOfWeek weekday, Drift drift) {
  /** {@code schedule.retrain}. */
  public enum Retrain {
    /** Every dated run retrains on its day's input. */
    DAILY,
    /** A dated run retrains when its date falls on {@code schedule.weekday}. */
    WEEKLY,
    /** A dated run retrains when the day's drift crosses a threshold. */
    ON_DRIFT,
    /** A dated run never retrains once a model exists. */
    NEVER
  }

  /**
   * @param psiThreshold a column whose population stability index exceeds this has drifted (0.2 is
   *     the usual "significant shift")
   * @param unseenThreshold a categorical column whose share of levels outside the model's
   *     vocabulary exceeds this has drifted
   */
  public record Drift(double psiThreshold, double unseenThreshold) {}

  /** The run's date, when one was given. */
  public Optional<LocalDate> runDate() {
    return Optional.ofNullable(date);
  }
}
