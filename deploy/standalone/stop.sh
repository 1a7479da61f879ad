#!/usr/bin/env bash
# Stops exactly the processes deploy/standalone/start.sh started (by the PIDs it recorded), Workers
# first, and waits for them to exit. Executors die with their Worker.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="${DLPIPE_STANDALONE_DIR:-$root/target/standalone}"
[[ -f "$state/pids" ]] || { echo "stop.sh: no cluster recorded in $state"; exit 0; }
mapfile -t pids < <(tac "$state/pids")
for pid in "${pids[@]}"; do
  kill "$pid" 2>/dev/null || true
done
for pid in "${pids[@]}"; do
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
done
rm -f "$state/pids"
echo "stopped ${#pids[@]} processes"
