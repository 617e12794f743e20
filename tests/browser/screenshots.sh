#!/usr/bin/env bash
# Browser check of the web UI: starts `stride server` on a free loopback port with a fresh data
# folder, seeds it through the real mlflow client, then loads every page in headless Chromium.
# A page fails when it answers non-200 or renders without its heading, main content or footer.
#
# Usage: tests/browser/screenshots.sh
#   STRIDE_BIN=/path/to/stride        the binary to test (default .build/debug/stride)
#   SCREENSHOT_DIR=docs/screenshots   where the PNGs go (default: a temporary folder)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$(pwd)
binary="${STRIDE_BIN:-$repo/.build/debug/stride}"
python="$repo/.venv/bin/python"
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -x "$binary" ]] || { echo "browser check: no stride binary at $binary" >&2; exit 1; }
[[ -x "$python" ]] || { echo "browser check: no .venv (run scripts/test first)" >&2; exit 1; }
[[ -n "$browser" ]] || { echo "browser check: chromium is not installed" >&2; exit 1; }

work=$(mktemp -d)
shots="${SCREENSHOT_DIR:-$work/screenshots}"
mkdir -p "$shots"
server_pid=""
# The HTTP status of a GET (000 when nothing answers), with the body saved to $2; Python, not curl,
# so the check needs nothing beyond the client suite's venv.
http_status() {
  "$python" - "$1" "${2:-/dev/null}" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=30) as response:
        status, body = response.status, response.read()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read()
except OSError:
    status, body = 0, b""
open(sys.argv[2], "wb").write(body)
print(f"{status:03d}")
PY
}
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$binary" server --host 127.0.0.1 --port "$port" --backend-store-uri "sqlite:///$work/stride.db" \
  --artifacts-destination "$work/artifacts" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [[ $(http_status "$base/health") == "200" ]] && break
  sleep 0.1
done
[[ $(http_status "$base/health") == "200" ]] || { echo "browser check: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

echo "==> seeding $base through the mlflow client"
MLFLOW_DISABLE_TELEMETRY=true "$python" tests/browser/seed.py "$base" "$work/pages.txt" >"$work/seed.log" 2>&1 \
  || { echo "browser check: seeding failed" >&2; cat "$work/seed.log" >&2; exit 1; }

failures=0
while read -r name path; do
  url="$base$path"
  status=$(http_status "$url" "$work/$name.html")
  # Chromium needs a writable home and no sandbox when run as root in CI.
  dom=$(HOME="$work" timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/profile" --dump-dom "$url" 2>/dev/null || true)
  HOME="$work" timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size=1280,900 --screenshot="$shots/$name.png" "$url" >/dev/null 2>&1 || true
  problem=""
  if [[ "$status" != "200" ]]; then problem="answered $status"
  elif [[ "$dom" != *"<h1>"* || "$dom" != *"<footer>"* ]]; then problem="rendered without its heading or footer"
  elif [[ $(printf '%s' "$dom" | sed -e 's/<[^>]*>//g' | tr -d '[:space:]' | wc -c) -lt 200 ]]; then problem="rendered almost empty"
  elif [[ ! -s "$shots/$name.png" ]]; then problem="produced no screenshot"
  fi
  if [[ -n "$problem" ]]; then
    echo "FAIL $name ($path): $problem" >&2
    failures=$((failures + 1))
  else
    echo "ok   $name -> $shots/$name.png"
  fi
done <"$work/pages.txt"

# The links the mlflow client prints carry MLflow's UI routes in the fragment, which only a browser
# runs: /static/mlflow-links.js hands it to /-/mlflow-link, which answers with Stride's page.
run_path=$(awk '$1 == "run" {print $2}' "$work/pages.txt")
version_path=$(awk '$1 == "model-version" {print $2}' "$work/pages.txt")
experiment_id=$(awk '$1 == "runs" {print $2}' "$work/pages.txt" | sed -E 's|^/experiments/([0-9]+).*|\1|')
while read -r link expected; do
  dom=$(HOME="$work" timeout 60 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
    --virtual-time-budget=5000 --dump-dom "$base$link" 2>/dev/null || true)
  if [[ "$dom" == *"$expected"* ]]; then
    echo "ok   mlflow link $link"
  else
    echo "FAIL mlflow link $link did not reach a page showing $expected" >&2
    failures=$((failures + 1))
  fi
done <<LINKS
/#/experiments/$experiment_id/runs/${run_path#/runs/} ${run_path#/runs/}
/projects/default/#/experiments/$experiment_id/runs/${run_path#/runs/}?workspace=default ${run_path#/runs/}
/#$version_path <h1>fraud-detector v2</h1>
LINKS

pages=$(wc -l <"$work/pages.txt")
[[ "$pages" -ge 9 ]] || { echo "browser check: the seed listed only $pages pages" >&2; exit 1; }
if [[ "$failures" -gt 0 ]]; then
  echo "browser check: $failures of $pages pages failed; server log tail:" >&2
  tail -n 40 "$work/server.log" >&2
  exit 1
fi
echo "browser check: all $pages pages rendered"
