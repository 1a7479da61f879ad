/**
 * Running dlpipe commands on clusters: the spark-submit hand-off and the executors' memory
 * arithmetic.
 */
package io.dlpipe.submit;
