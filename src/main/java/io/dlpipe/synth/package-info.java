/**
 * Seeded synthetic raw data shaped like the bundled datasets, for tests and benchmarks at any
 * scale.
 */
package io.dlpipe.synth;
