#!/usr/bin/env bash
# One-command read-path benchmark (issue 3): Stride vs mlflow server vs FastTrackML on loopback.
#   bash bench/run-search.sh                                        # 10k runs, 1M + 100k points, all three
#   bash bench/run-search.sh --runs 100000 --servers stride,fml     # the 100k-run variant
#   bash bench/run-search.sh --runs 1000 --points 100000 --history-points 20000   # quick check (~6 min)
# All arguments are passed to bench/search.py (see --help there).
set -euo pipefail
cd "$(dirname "$0")/.."          # repo root
source bench/setup.sh

# 1. mlflow (server, and the client search.py imports) + FastTrackML in bench/.venv
bench_venv

# 2. Stride release build (only when stride is benchmarked and no binary was given)
bench_stride "$@"

# 3. run
exec "$VENV/bin/python" bench/search.py "$@" "${STRIDE_ARGS[@]}"
