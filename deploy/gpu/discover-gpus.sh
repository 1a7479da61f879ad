#!/usr/bin/env bash
# Spark resource discovery script for NVIDIA GPUs (spark.worker.resource.gpu.discoveryScript or
# spark.executor.resource.gpu.discoveryScript). Prints the GPUs nvidia-smi sees as
#   {"name":"gpu","addresses":["0","1"]}
# and an empty list when there is no driver, so a misconfigured node schedules no GPU task
# instead of failing the executor.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo '{"name":"gpu","addresses":[]}'
  exit 0
fi
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | sed 's/.*/"&"/' | paste -sd, -)"
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
