package io.dlpipe.config;

import java.util.List;

/**
 * Which configuration values are secrets, beyond the built-in Hadoop and Spark credential keys.
 *
 * @param secretKeys {@code security.secret-keys}: globs of key names whose values are masked
 *     everywhere dlpipe writes or prints (see {@link SecretMasker})
 */
public record SecurityConfig(List<String> secretKeys) {
  public SecurityConfig {
    secretKeys = List.copyOf(secretKeys);
  }
}
