package io.dlpipe.etl;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dlpipe.config.ColumnRole;

/**
 * One input column and what dlpipe does with it; the list of these is the input schema saved in
 * {@code transform.json}.
 *
 * @param name the column's name in the raw data
 * @param role {@code numeric}, {@code categorical}, {@code date}, {@code ignore}, or {@code target}
 * @param origin {@code declared} (from input.columns or target.column) or {@code inferred}
 * @param reason why inference chose the role, with the statistics it looked at
 */
public record ColumnSpec(String name, String role, String origin, String reason) {
  public static final String TARGET = "target";

  public static ColumnSpec of(String name, ColumnRole role, String origin, String reason) {
    return new ColumnSpec(name, role.name().toLowerCase(java.util.Locale.ROOT), origin, reason);
  }

  @JsonIgnore
  public boolean isNumeric() {
    return role.equals("numeric");
  }

  @JsonIgnore
  public boolean isCategorical() {
    return role.equals("categorical");
  }

  @JsonIgnore
  public boolean isDate() {
    return role.equals("date");
  }

  /** True for the roles that feed the feature vector. */
  @JsonIgnore
  public boolean isFeature() {
    return isNumeric() || isCategorical() || isDate();
  }
}
