/**
 * Typed, immutable, validated configuration. {@link io.dlpipe.config.ConfigLoader} is the only way
 * to build a {@link io.dlpipe.config.DlpipeConfig}: defaults &lt; file &lt; --set, unknown keys and
 * out-of-range values rejected before Spark starts.
 */
package io.dlpipe.config;
