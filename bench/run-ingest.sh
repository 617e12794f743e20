#!/usr/bin/env bash
# One-command ingest benchmark: Stride vs mlflow server vs FastTrackML, side by side on loopback.
#   bash bench/run-ingest.sh                         # all three servers, 3 repetitions x 10 s cells
#   bash bench/run-ingest.sh --servers mlflow,fml    # subset (no Swift build)
#   bash bench/run-ingest.sh --repeats 1 --duration 3 --warmup 1   # quick smoke run
# All arguments are passed to bench/ingest.py (see --help there).
set -euo pipefail
cd "$(dirname "$0")/.."          # repo root
source bench/setup.sh

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. wrk (load generator)
if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq wrk
fi

# 2. mlflow + FastTrackML in bench/.venv
bench_venv

# 3. Stride release build (only when stride is benchmarked and no binary was given)
bench_stride "$@"

# 4. run
exec "$VENV/bin/python" bench/ingest.py "$@" "${STRIDE_ARGS[@]}"
