/** {@code dlpipe run}: the whole pipeline for schedulers, skipping stages that are up to date. */
package io.dlpipe.run;
