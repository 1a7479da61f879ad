#!/usr/bin/env bash
# Test stand-in for deploy/gpu/discover-gpus.sh: Worker N of deploy/standalone/start.sh reports one
# GPU with address N-1, so every executor gets a distinct address without real GPUs.
echo "{\"name\":\"gpu\",\"addresses\":[\"$(( ${DLPIPE_WORKER_INDEX:-1} - 1 ))\"]}"
