package io.dlpipe.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The run's date and what {@code dlpipe run --date} does with it: retrain, or score the day's
 * partition with the current model, and when drift is large enough to retrain. Without a date none
 * of it applies and {@code run} behaves as it always did.
 *
 * @param date {@code run.date} (set by {@code --date YYYY-MM-DD}); null when unset
 * @param retrain when a dated run refits the transform and retrains
 * @param weekday the day a {@link Retrain#WEEKLY} schedule retrains on
 * @param drift the thresholds of {@link Retrain#ON_DRIFT}, also reported in every drift.json
 * @param promotion when a model retrained on a scheduled day replaces the current one
 */
public record ScheduleConfig(
    LocalDate date, Retrain retrain, DayOfWeek weekday, Drift drift, Promotion promotion) {
  /** With the default promotion margin, {@link Promotion#DEFAULT_MAX_REGRESSION}. */
  public ScheduleConfig(LocalDate date, Retrain retrain, DayOfWeek weekday, Drift drift) {
    this(date, retrain, weekday, drift, new Promotion(Promotion.DEFAULT_MAX_REGRESSION));
  }

  /**
   * The promotion gate of a scheduled retrain: the candidate replaces the current model only when
   * its metrics are finite and its main metric on the new validation split is at least the current
   * model's on the same rows minus {@code maxRegression}.
   *
   * @param maxRegression how much worse, in the main metric's own units (AUC, accuracy or R²), a
   *     candidate may score and still be promoted; 0 demands at least a tie
   */
  public record Promotion(double maxRegression) {
    /**
     * The default of {@code schedule.promotion.max-regression}, as dlpipe-defaults.conf declares
     * it.
     */
    public static final double DEFAULT_MAX_REGRESSION = 0.01;
  }

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
