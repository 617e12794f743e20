#!/usr/bin/env python3
"""Maximum-size bodies on every POST/PATCH route from several clients at once (issue 12): peak RSS.

Starts Stride (release build by default) on a fresh data folder, then --clients threads each send,
--rounds times, one body of the largest size each JSON route accepts (its limit in
Sources/StrideDomain/Limits.swift, less a few bytes) to every POST and PATCH route. The bodies are
as costly to parse as a body of that size can be: tens of thousands of small objects, except
log-inputs, which carries one valid dataset with MLflow's largest profile (16 MB) and schema (1 MB).
Most bodies are then refused by validation (too many metrics, unknown run); what is measured is the
memory of reading and parsing them. A web UI form at its 256 KB limit is included.

Reports the server's peak RSS (VmHWM, and the peak of 20 Hz VmRSS samples), its RSS before and
after, the statuses per route, and every 5xx or connection error. Exit code 1 when the peak
reaches --target-mb or any answer was a 5xx or an error.

    /work/venv-client/bin/python bench/max_bodies.py [--stride-bin .build/release/stride] [--clients 4] [--rounds 3]
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stride_process import StrideProcess  # noqa: E402

KB, MB = 1024, 1024 * 1024
WRITE_LIMIT = 1_000_000          # Limits.maxRequestBodyBytes
SEARCH_LIMIT = 256 * KB          # Limits.maxSearchRequestBodyBytes
BATCH_LIMIT = 1_000_000          # Limits.maxBatchRequestBytes
DATASET_LIMIT = 20 * MB          # Limits.maxDatasetRequestBodyBytes
FORM_LIMIT = 256 * KB            # Limits.maxFormBodyBytes
SMALL_OBJECT = b'{"key":"m","value":1.5,"timestamp":1,"step":0}'


def heavy_body(fields: dict, limit: int, list_field: str = "padding") -> bytes:
    """`fields` plus a list of small objects under `list_field`, filling the body to just under `limit`."""
    head = json.dumps(fields)[:-1].encode() + (b", " if fields else b"") + b'"' + list_field.encode() + b'": ['
    count = (limit - len(head) - 64) // (len(SMALL_OBJECT) + 1)
    return head + b",".join([SMALL_OBJECT] * count) + b"]}"


def dataset_body(run_id: str) -> bytes:
    """One valid dataset with MLflow's largest profile and schema."""
    dataset = {"name": "max", "digest": "d" * 36, "source_type": "local", "source": json.dumps({"uri": "/data"}),
               "schema": "s" * (1 * MB - 1), "profile": "p" * (16 * MB - 1)}
    return json.dumps({"run_id": run_id, "datasets": [{"dataset": dataset, "tags": []}]}).encode()


def setup(url: str) -> dict:
    api = url + "/api/2.0/mlflow"
    s = requests.Session()
    experiment_id = s.post(api + "/experiments/create", json={"name": f"max-bodies-{time.time_ns()}"}).json()["experiment_id"]
    run_id = s.post(api + "/runs/create", json={"experiment_id": experiment_id}).json()["run"]["info"]["run_id"]
    model = f"max-model-{time.time_ns()}"
    s.post(api + "/registered-models/create", json={"name": model})
    s.post(api + "/model-versions/create", json={"name": model, "source": "models:/x", "run_id": run_id})
    logged = s.post(api + "/logged-models", json={"experiment_id": experiment_id, "name": "m"}).json()
    model_id = logged.get("model", {}).get("info", {}).get("model_id", "m-unknown")
    return {"experiment_id": experiment_id, "run_id": run_id, "model": model, "model_id": model_id}


def routes(ids: dict) -> list[tuple[str, str, bytes, str]]:
    """(method, path, body, content type) for every JSON POST/PATCH route, each body at its route's limit."""
    run, exp, model, mid = ids["run_id"], ids["experiment_id"], ids["model"], ids["model_id"]
    write = [
        ("/experiments/create", {"name": "big"}), ("/experiments/update", {"experiment_id": exp, "new_name": "x"}),
        ("/experiments/delete", {"experiment_id": "0"}), ("/experiments/restore", {"experiment_id": "0"}),
        ("/experiments/set-experiment-tag", {"experiment_id": exp, "key": "k", "value": "v"}),
        ("/experiments/delete-experiment-tag", {"experiment_id": exp, "key": "k"}),
        ("/runs/create", {"experiment_id": exp}), ("/runs/update", {"run_id": run}), ("/runs/delete", {"run_id": "x"}),
        ("/runs/restore", {"run_id": "x"}), ("/runs/log-metric", {"run_id": run, "key": "k", "value": 1, "timestamp": 1}),
        ("/runs/log-parameter", {"run_id": run, "key": "p", "value": "1"}), ("/runs/set-tag", {"run_id": run, "key": "k", "value": "v"}),
        ("/runs/delete-tag", {"run_id": run, "key": "nope"}), ("/runs/outputs", {"run_id": run, "models": []}),
        ("/registered-models/create", {"name": "big"}), ("/registered-models/rename", {"name": "x", "new_name": "y"}),
        ("/registered-models/set-tag", {"name": model, "key": "k", "value": "v"}),
        ("/registered-models/alias", {"name": model, "alias": "a", "version": "1"}),
        ("/model-versions/create", {"name": "missing", "source": "models:/x"}),
        ("/model-versions/transition-stage", {"name": model, "version": "1", "stage": "Staging"}),
        ("/model-versions/set-tag", {"name": model, "version": "1", "key": "k", "value": "v"}),
        ("/logged-models", {"experiment_id": exp}), (f"/logged-models/{mid}/params", {"params": []}),
    ]
    search = [("/experiments/search", {}), ("/runs/search", {"experiment_ids": [exp]}),
              ("/logged-models/search", {"experiment_ids": [exp]}), ("/registered-models/get-latest-versions", {"name": model})]
    patch = [("/registered-models/update", {"name": model}), ("/model-versions/update", {"name": model, "version": "1"}),
             (f"/logged-models/{mid}", {}), (f"/logged-models/{mid}/tags", {"tags": []})]
    api, js = "/api/2.0/mlflow", "application/json"
    out = [("POST", api + path, heavy_body(fields, WRITE_LIMIT), js) for path, fields in write]
    out += [("POST", api + path, heavy_body(fields, SEARCH_LIMIT), js) for path, fields in search]
    out += [("PATCH", api + path, heavy_body(fields, WRITE_LIMIT), js) for path, fields in patch]
    out.append(("POST", api + "/runs/log-batch", heavy_body({"run_id": run}, BATCH_LIMIT, "metrics"), js))
    out.append(("POST", api + "/runs/log-inputs", dataset_body(run), js))
    out.append(("POST", api + "/runs/log-inputs", heavy_body({"run_id": run}, DATASET_LIMIT, "datasets"), js))
    form = b"name=" + b"x" * (FORM_LIMIT - 64)
    out.append(("POST", "/experiments/create", form, "application/x-www-form-urlencoded"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stride-bin", help="default: .build/release/stride")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target-mb", type=float, default=150)
    parser.add_argument("--keep-data", action="store_true", help="keep the server's data folder and log")
    parser.add_argument("--only", help="only the routes whose path contains this text")
    args = parser.parse_args()

    server = StrideProcess(args.stride_bin)
    try:
        ids = setup(server.url)
        table = [route for route in routes(ids) if args.only is None or args.only in route[1]]
        time.sleep(1)
        baseline = server.status_kb("VmRSS")
        statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        failures: list[str] = []
        lock = threading.Lock()
        done = threading.Event()
        samples: list[int] = []

        def sample() -> None:
            while not done.is_set() and server.alive():
                samples.append(server.status_kb("VmRSS"))
                time.sleep(0.05)

        def client(index: int) -> None:
            session = requests.Session()
            for round_number in range(args.rounds):
                for method, path, body, content_type in table[index:] + table[:index]:  # clients start at different routes
                    key = f"{method} {path.replace(ids['model_id'], ':model_id')} ({len(body):,} B)"
                    try:
                        resp = session.request(method, server.url + path, data=body, headers={"Content-Type": content_type}, timeout=300)
                        code = resp.status_code
                        if code >= 500:
                            failures.append(f"{key}: {code} {resp.text[:200]}")
                    except requests.RequestException as error:
                        code = "error"
                        failures.append(f"{key}: {error!r}")
                    with lock:
                        statuses[key][code] += 1

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
        peak = server.status_kb("VmHWM")
        time.sleep(2)
        after = server.status_kb("VmRSS")
        alive = server.alive()
    finally:
        server.stop(keep_data=args.keep_data)
        if args.keep_data:
            print(f"data and log kept in {server.data_dir}", file=sys.stderr)

    requests_sent = sum(sum(c.values()) for c in statuses.values())
    print(f"# Maximum-size bodies: {args.clients} clients x {args.rounds} rounds x {len(table)} routes "
          f"({requests_sent} requests, {elapsed:.1f} s, binary {server.binary})\n")
    print("| route (body size) | statuses |\n|---|---|")
    for key in sorted(statuses):
        print(f"| {key} | {', '.join(f'{code}: {n}' for code, n in sorted(statuses[key].items(), key=str))} |")
    print(f"\n- RSS before the load: {baseline / 1024:.1f} MB")
    print(f"- peak RSS (VmHWM, includes startup): {peak / 1024:.1f} MB; peak of {len(samples)} samples: {max(samples, default=0) / 1024:.1f} MB")
    print(f"- RSS 2 s after the load: {after / 1024:.1f} MB")
    print(f"- 5xx answers and connection errors: {len(failures)}; server alive at the end: {alive}")
    for failure in failures[:20]:
        print(f"  - {failure}")
    ok = alive and not failures and peak / 1024 < args.target_mb
    print(f"- target: peak under {args.target_mb:.0f} MB -> {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
