#!/usr/bin/env bash
# One-command ingest benchmark: Stride vs mlflow server vs FastTrackML, side by side on loopback.
#   bash bench/run-ingest.sh                         # all three servers, 3 repetitions x 10 s cells
#   bash bench/run-ingest.sh --servers mlflow,fml    # subset (no Swift build)
#   bash bench/run-ingest.sh --repeats 1 --duration 3 --warmup 1   # quick smoke run
# All arguments are passed to bench/ingest.py (see --help there).
set -euo pipefail
cd "$(dirname "$0")/.."          # repo root
REPO=$PWD
VENV=bench/.venv
MLFLOW_VERSION=3.17.2            # 3.18.0's skinny/tracing deps are not on the registry here
FML_VERSION=0.6.0                # needs --no-deps: its Python client pins mlflow<3, the fml binary needs nothing

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Which servers, and was a stride binary given?
servers="stride,mlflow,fml"; stride_bin=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --servers) servers="${args[i+1]:-}" ;;
    --servers=*) servers="${args[i]#--servers=}" ;;
    --stride-bin) stride_bin="${args[i+1]:-}" ;;
    --stride-bin=*) stride_bin="${args[i]#--stride-bin=}" ;;
  esac
done

# 1. wrk (load generator)
if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq wrk
fi

# 2. mlflow + FastTrackML in bench/.venv
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mlflow') != '$MLFLOW_VERSION')" 2>/dev/null; then
  "$VENV/bin/pip" install -q "mlflow==$MLFLOW_VERSION"
fi
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('fasttrackml') != '$FML_VERSION')" 2>/dev/null; then
  "$VENV/bin/pip" install -q --no-deps "fasttrackml==$FML_VERSION"
fi

# 3. Stride release build (only when stride is benchmarked and no binary was given): the
#    production build, with the Swift runtime linked statically (README, "For a production build").
if [[ ",$servers," == *",stride,"* && -z "$stride_bin" ]]; then
  swift build -c release --static-swift-stdlib --scratch-path .build-static --product stride
  set -- "$@" --stride-bin .build-static/release/stride
fi

# 4. run
exec "$VENV/bin/python" bench/ingest.py "$@"
