package io.dlpipe.config;

import java.util.List;

/**
 * Personal data that must never reach a file dlpipe writes. Applied by {@code etl.Privacy} right
 * after the input is read, in etl and predict alike, so the model sees the same values in both.
 *
 * @param dropColumns {@code privacy.drop-columns}: removed before anything else looks at the data
 * @param hashColumns {@code privacy.hash-columns}: each cell replaced by the hex SHA-256 of salt +
 *     cell, so equal values stay equal (usable as a category or a split id) but unreadable
 * @param salt the {@code DLPIPE_PII_SALT} environment variable; empty when no column is hashed.
 *     Never written or logged: {@link #toString} hides it
 */
public record PrivacyConfig(List<String> dropColumns, List<String> hashColumns, String salt) {
  /**
   * The environment variable holding the salt; kept out of config files so it is not committed with
   * them.
   */
  public static final String SALT_ENV = "DLPIPE_PII_SALT";

  /** Shorter salts make brute-forcing low-entropy values (phone numbers, birth dates) cheap. */
  public static final int MIN_SALT_LENGTH = 16;

  public PrivacyConfig {
    dropColumns = List.copyOf(dropColumns);
    hashColumns = List.copyOf(hashColumns);
  }

  /** No privacy rule: nothing to do. */
  public boolean isEmpty() {
    return dropColumns.isEmpty() && hashColumns.isEmpty();
  }

  @Override
  public String toString() {
    return "PrivacyConfig[dropColumns="
        + dropColumns
        + ", hashColumns="
        + hashColumns
        + ", salt="
        + (salt.isEmpty() ? "" : SecretMasker.MASK)
        + "]";
  }
}
