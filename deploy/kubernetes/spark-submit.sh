#!/usr/bin/env bash
# Submits one dlpipe command to Kubernetes in cluster mode; the driver and executors run the image
# built from deploy/kubernetes/Dockerfile, which holds the jar and conf/examples/cluster.conf.
#
#   SPARK_HOME=/opt/spark K8S_API=https://10.0.0.1:6443 IMAGE=registry.example.com/dlpipe:0.1.0 \
#     deploy/kubernetes/spark-submit.sh etl|train|evaluate|run [--set key=value ...]
#
# The dlpipe --conf settings are those `jobs/dlpipe <command> --master k8s://...` computes for
# conf/examples/cluster.conf; a test keeps them identical.
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution}"
: "${K8S_API:?set K8S_API to the Kubernetes API server URL, e.g. https://10.0.0.1:6443}"
: "${IMAGE:?set IMAGE to the image built from deploy/kubernetes/Dockerfile}"
namespace="${NAMESPACE:-dlpipe}"
command="${1:?usage: spark-submit.sh etl|train|evaluate|run [--set key=value ...]}"
shift

exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" \
  --deploy-mode cluster \
  --class io.dlpipe.cli.Main \
  --conf spark.kubernetes.namespace="$namespace" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.app.name=dlpipe \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator \
  --conf spark.executor.memory=4g \
  --conf spark.executor.memoryOverhead=4480m \
  --conf 'spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=4096m -Dorg.bytedeco.javacpp.maxphysicalbytes=8576m' \
  --conf spark.executor.cores=2 \
  --conf spark.dynamicAllocation.enabled=false \
  --conf spark.executor.instances=4 \
  local:///opt/dlpipe/dlpipe-spark.jar "$command" --conf /opt/dlpipe/conf/cluster.conf "$@"
