# Sourced by run-ingest.sh and run-search.sh from the repo root (after `set -euo pipefail`):
#   bench_venv            bench/.venv with mlflow (server and client) and FastTrackML
#   bench_stride "$@"     when stride is among --servers and no --stride-bin was given, builds Stride for
#                         production and sets STRIDE_ARGS=(--stride-bin .build-static/release/stride)
VENV=bench/.venv
MLFLOW_VERSION=3.17.2            # 3.18.0's skinny/tracing deps are not on the registry here
FML_VERSION=0.6.0                # needs --no-deps: its Python client pins mlflow<3, the fml binary needs nothing
STRIDE_ARGS=()

bench_venv() {
  if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
  if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mlflow') != '$MLFLOW_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install -q "mlflow==$MLFLOW_VERSION"
  fi
  if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('fasttrackml') != '$FML_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install -q --no-deps "fasttrackml==$FML_VERSION"
  fi
}

bench_stride() {
  local servers="stride,mlflow,fml" stride_bin="" args=("$@") i
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      --servers) servers="${args[i+1]:-}" ;;
      --servers=*) servers="${args[i]#--servers=}" ;;
      --stride-bin) stride_bin="${args[i+1]:-}" ;;
      --stride-bin=*) stride_bin="${args[i]#--stride-bin=}" ;;
    esac
  done
  # The production build, with the Swift runtime linked statically (README, "For a production build").
  if [[ ",$servers," == *",stride,"* && -z "$stride_bin" ]]; then
    bash scripts/build-release
    STRIDE_ARGS=(--stride-bin .build-static/release/stride)
  fi
}
