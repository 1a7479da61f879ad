#!/usr/bin/env bash
# Starts a standalone Spark cluster on this machine: one Master and N Workers on 127.0.0.1, each in
# its own JVM, from the Spark jars the build puts in target/spark-home/jars (no Spark download).
#
#   deploy/standalone/start.sh [--workers N] [--cores C] [--memory M] [--gpus-per-worker G --gpu-discovery SCRIPT]
#
# Prints the master URL (spark://127.0.0.1:PORT) and the web UI URL, and records the PIDs it
# started in $DLPIPE_STANDALONE_DIR/pids (default target/standalone) for stop.sh.
# With --gpus-per-worker, each Worker offers G GPUs found by SCRIPT (Spark's resource discovery);
# the script sees DLPIPE_WORKER_INDEX (1..N), so a test script can report distinct addresses.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workers=2 cores=1 memory=2g gpus=0 discovery=""
while (($#)); do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --gpus-per-worker) gpus="$2"; shift 2 ;;
    --gpu-discovery) discovery="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "start.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "start.sh: --workers expects a positive integer, found '$workers'" >&2; exit 2; }
if ((gpus > 0)) && [[ -z "$discovery" ]]; then
  echo "start.sh: --gpus-per-worker needs --gpu-discovery SCRIPT (see deploy/gpu/)" >&2; exit 2
fi

export SPARK_HOME="$root/target/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_PUBLIC_DNS=127.0.0.1
if [[ ! -d "$SPARK_HOME/jars" || ! -f "$root/target/dlpipe-spark.jar" ]]; then
  echo "start.sh: building the Spark jars (mvn -q -DskipTests package) ..." >&2
  (cd "$root" && mvn -B -q -Dstyle.color=never -DskipTests package) >&2
fi

state="${DLPIPE_STANDALONE_DIR:-$root/target/standalone}"
if [[ -f "$state/pids" ]] && xargs -r kill -0 < "$state/pids" 2>/dev/null; then
  echo "start.sh: a cluster started from $state is still running (PIDs $(tr '\n' ' ' < "$state/pids")); run deploy/standalone/stop.sh first" >&2
  exit 1
fi
rm -rf "$state" && mkdir -p "$state"
: > "$state/pids"

wait_for() { # file pattern seconds
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "start.sh: timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; return 1
}

java_cmd=(java -Xmx512m -cp "$SPARK_HOME/jars/*")
"${java_cmd[@]}" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0 > "$state/master.log" 2>&1 &
echo $! >> "$state/pids"
wait_for "$state/master.log" "Starting Spark master at spark://" 60
master_url="$(grep -oE 'spark://127\.0\.0\.1:[0-9]+' "$state/master.log" | head -1)"
wait_for "$state/master.log" "started at http://" 60
ui_url="$(grep -oE 'started at http://[^ ]+' "$state/master.log" | head -1 | sed 's/started at //')"

for ((w = 1; w <= workers; w++)); do
  opts=()
  if ((gpus > 0)); then
    opts=(-Dspark.worker.resource.gpu.amount="$gpus" -Dspark.worker.resource.gpu.discoveryScript="$discovery")
  fi
  DLPIPE_WORKER_INDEX=$w "${java_cmd[@]}" "${opts[@]}" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port 0 --work-dir "$state/work-$w" \
    "$master_url" > "$state/worker-$w.log" 2>&1 &
  echo $! >> "$state/pids"
done
for ((w = 1; w <= workers; w++)); do
  wait_for "$state/worker-$w.log" "Successfully registered with master" 60
done

echo "$master_url" > "$state/master-url"
echo "master: $master_url"
echo "web UI: $ui_url"
echo "workers: $workers x ($cores cores, $memory)${discovery:+, $gpus GPU(s) each}; logs and PIDs in $state"
