/**
 * Thin entry points: parse arguments, build and validate the config, call library code, map errors
 * to exit codes.
 */
package io.dlpipe.cli;
