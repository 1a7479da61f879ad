package io.dlpipe.config;

import java.util.Map;

/**
 * How dlpipe obtains its SparkSession.
 *
 * @param master the master URL; empty means the one spark-submit passed, else {@code local[*]}
 * @param appName the application name shown by the cluster manager
 * @param conf extra Spark settings, applied as they are
 * @param executorOffHeap ND4J off-heap memory per executor (e.g. {@code 4g}); empty means as much
 *     as the executor heap
 */
public record SparkSettings(
    String master, String appName, Map<String, String> conf, String executorOffHeap) {
  public SparkSettings {
    conf = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(conf));
  }
}
