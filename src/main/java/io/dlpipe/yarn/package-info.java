/**
 * Spark on YARN as dlpipe sees it from the submitting machine: the ResourceManager's queues and
 * container limits checked before anything is submitted, and a failed application's outcome turned
 * into dlpipe's exit code and one line.
 */
package io.dlpipe.yarn;
