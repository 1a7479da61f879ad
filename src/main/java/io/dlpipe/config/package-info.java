/**
 * Typed, immutable, validated configuration. {@link io.dlpipe.config.ConfigLoader} is the only way
 * to build a {@link io.dlpipe.config.DlpipeConfig}: defaults &lt; file &lt; --set, unknown keys and
 * out-of-range values rejected before Spark starts. Every key is one row of {@link
 * io.dlpipe.config.Settings} (type and valid values), with its default and doc in {@code
 * dlpipe-defaults.conf}; {@link io.dlpipe.config.ConfigLoader} reads each value through its row.
 */
package io.dlpipe.config;
