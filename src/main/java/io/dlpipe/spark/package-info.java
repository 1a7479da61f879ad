/** SparkSession construction and the naming and timing of the Spark jobs each command runs. */
package io.dlpipe.spark;
