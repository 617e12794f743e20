#!/usr/bin/env bash
# Fuzz Stride's API from its own OpenAPI document (GET /api/openapi.json) with schemathesis,
# against the real binary: once with auth off, once with --auth and an admin token.
#
# Fails on any 5xx (but the documented 501 of presigned downloads), on a server that exits
# during the run, and on a response the document does not allow (status code, content type,
# response schema). The seed is fixed and the examples per operation capped, so a run is
# reproducible and takes a few minutes on 2 cores.
#
# Usage: tests/fuzz/run-schemathesis.sh
#   STRIDE_BIN=/path/to/stride        the binary (default .build/debug/stride)
#   STRIDE_FUZZ_PYTHON=/path/python   the venv with tests/fuzz/requirements.txt (default .venv/bin/python)
#   STRIDE_FUZZ_SEED=N                the seed (default 20261203)
#   STRIDE_FUZZ_EXAMPLES=N            examples per operation with auth off (default 40; 10 with --auth)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN="${STRIDE_BIN:-.build/debug/stride}"
PYTHON="${STRIDE_FUZZ_PYTHON:-.venv/bin/python}"
SCHEMATHESIS="$(dirname "$PYTHON")/schemathesis"
SEED="${STRIDE_FUZZ_SEED:-20261203}"
EXAMPLES="${STRIDE_FUZZ_EXAMPLES:-40}"
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
# The /ajax-api operations run the same handlers as their /api twins; only get-history-bulk is ajax-only.
SAME_HANDLERS='^/ajax-api/(?!2\.0/mlflow/metrics/get-history-bulk$)'

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# fuzz NAME EXAMPLES [--auth]: a fresh data dir, a server on a free loopback port, one schemathesis run.
fuzz() {
  local name="$1" examples="$2" auth="${3:-}"
  local data port base status=0
  data="$(mktemp -d "${TMPDIR:-/tmp}/stride-fuzz-$name-XXXXXX")"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  local store="sqlite:///$data/stride.db"
  local extra=() checks="$CHECKS"
  if [[ -n "$auth" ]]; then
    local token
    token="$("$BIN" token create --role admin --name fuzz --backend-store-uri "$store" 2>/dev/null)"
    extra=(-H "Authorization: Bearer $token")
    # Also: every guarded operation refuses a request without the token or with a wrong one.
    checks="$CHECKS,ignored_auth"
  fi
  "$BIN" server --host 127.0.0.1 --port "$port" --backend-store-uri "$store" --artifacts-destination "$data/artifacts" \
    --log-level warning $auth >"$data/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    "$PYTHON" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$base/health" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "==> schemathesis ($name): seed $SEED, $examples examples per operation, data in $data"
  # One worker: CPython 3.11 keeps the AST validator's recursion depth per interpreter, not per thread,
  # so two workers that compile() source at once (hypothesis reading a lambda's source, anyio's lazy
  # import map) can fail with "AST constructor recursion depth mismatch" (seen 2026-12-04).
  "$SCHEMATHESIS" --config-file tests/fuzz/schemathesis.toml run "$base/api/openapi.json" --url "$base" \
    --checks "$checks" --seed "$SEED" --max-examples "$examples" --phases examples,coverage,fuzzing,stateful \
    --generation-database none --workers 1 --request-timeout 30 --exclude-path-regex "$SAME_HANDLERS" \
    --no-color "${extra[@]}" || status=$?
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: the server exited during the $name run; its log:" >&2
    tail -n 40 "$data/server.log" >&2
    status=1
  fi
  stop_server
  [[ "$status" == 0 ]] && rm -rf "$data"
  return "$status"
}

status=0
fuzz open "$EXAMPLES" || status=$?
fuzz auth "$(( EXAMPLES / 4 > 0 ? EXAMPLES / 4 : 1 ))" --auth || status=$?
exit "$status"
