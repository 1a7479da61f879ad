#!/usr/bin/env bash
# Submits one dlpipe command to YARN in cluster mode, with conf/examples/yarn.conf.
#
#   SPARK_HOME=/opt/spark HADOOP_CONF_DIR=/etc/hadoop/conf deploy/yarn/submit.sh etl|train|evaluate|run [--set key=value ...]
#
# The --conf settings below are what `jobs/dlpipe <command> --master yarn` computes for that
# config (DLPIPE_SUBMIT_DRY_RUN=1 prints them); a test keeps the two identical. Change the config,
# then regenerate them, rather than editing one side. The launcher does more than this script:
# it checks the queue and the container sizes with the ResourceManager first, and turns a failed
# application into dlpipe's exit code and one line (deploy/yarn/README.md), and it resolves the
# config here, where ${?DLPIPE_INPUT}-style substitutions see this shell's environment. This script
# passes DLPIPE_INPUT and DLPIPE_OUTPUT (paths, not secrets) to the application master's
# environment instead, and DLPIPE_DRIVER_MEMORY as the driver's heap.
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution}"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the folder with core-site.xml, hdfs-site.xml and yarn-site.xml}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app_jar="${DLPIPE_APP_JAR:-$root/target/dlpipe-spark.jar}"
config="${DLPIPE_CONF:-$root/conf/examples/yarn.conf}"
command="${1:?usage: submit.sh etl|train|evaluate|run [--set key=value ...]}"
shift

exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn \
  --deploy-mode cluster \
  --class io.dlpipe.cli.Main \
  --conf spark.app.name=dlpipe-credit \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator \
  --conf spark.executor.memory=1g \
  --conf spark.executor.memoryOverhead=896m \
  --conf 'spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=512m -Dorg.bytedeco.javacpp.maxphysicalbytes=1920m' \
  --conf spark.yarn.queue=nightly \
  --conf spark.yarn.tags=dlpipe,credit \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf spark.driver.memoryOverhead=640m \
  --conf spark.executor.instances=2 \
  --conf spark.executor.cores=1 \
  --conf spark.dynamicAllocation.enabled=false \
  ${DLPIPE_DRIVER_MEMORY:+--driver-memory "$DLPIPE_DRIVER_MEMORY"} \
  ${DLPIPE_INPUT:+--conf "spark.yarn.appMasterEnv.DLPIPE_INPUT=$DLPIPE_INPUT"} \
  ${DLPIPE_OUTPUT:+--conf "spark.yarn.appMasterEnv.DLPIPE_OUTPUT=$DLPIPE_OUTPUT"} \
  --files "$config" \
  "$app_jar" "$command" --conf "$(basename "$config")" "$@"
