/**
 * {@code dlpipe doctor}: pre-flight checks of the stack, the executors and the paths before a long
 * run.
 */
package io.dlpipe.doctor;
