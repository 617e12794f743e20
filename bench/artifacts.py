#!/usr/bin/env python3
"""Artifact transfer benchmark: Stride vs `mlflow server`, issue 4.

For every repetition, and every server in turn (one at a time, on 127.0.0.1, each on a fresh data dir),
it moves one large file (default 2 GiB) four ways and times each:

  put       curl -T: one streamed HTTP PUT to /api/2.0/mlflow-artifacts/artifacts/<path>
  get       curl -o: one streamed HTTP GET of the same file
  log       mlflow.MlflowClient().log_artifact(): the client's own upload path. Against Stride the
            client sees multipart_uploads_enabled and PUTs 10 MiB parts in parallel; against MLflow's
            local store it sends one PUT.
  download  MlflowClient().download_artifacts(): the client's download path

While each transfer runs it samples the RSS of the server's whole process tree every 50 ms and reports
the growth over the tree's RSS just before the transfer, and the tree's VmHWM. A plain `cp` of the same
file on the same disk is the baseline. Every downloaded copy is compared byte for byte with the source.

    bench/.venv/bin/python bench/artifacts.py                       # 2 GiB, 3 repetitions, both servers
    bench/.venv/bin/python bench/artifacts.py --size-gib 5 --servers stride --repeats 1
    bench/.venv/bin/python bench/artifacts.py --help

Targets (issue 4): RSS growth under 50 MB during a transfer, throughput within 2x of `cp`, no timeout at 5 GB.

With --s3 (issue 15) both servers keep artifacts in one moto S3 server on loopback that this script starts
(`--artifacts-destination s3://bench/<server>`, MLFLOW_S3_ENDPOINT_URL), and the `list` transfer times a
listing of a folder of 10,000 objects (written with boto3 beforehand) through each server:

    python bench/artifacts.py --s3 --servers stride,mlflow --ops put,get,list --size-gib 2 --repeats 1

With --s3 --ceiling it first (before any server) moves the same file to and from moto with boto3 alone, four ways, so the
report can say what share of the S3 server's own speed each server reaches:

  boto3 put        one streamed PutObject (put_object with the open file)
  boto3 upload     upload_file with boto3's defaults (8 MiB parts, 10 threads): what mlflow's server does
  boto3 get        one streamed GetObject read to a file
  boto3 download   download_file with boto3's defaults (8 MiB ranged GETs, 10 threads)
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ingest  # noqa: E402
from ingest import HOST, PortAllocator, Server, log, machine_meta, tree_hwm_kb, tree_rss_kb  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
OPS = ["put", "get", "log", "download", "list"]
LIST_OBJECTS = 10_000
ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts"


class GrowthSampler(threading.Thread):
    """Peak RSS of a process tree above its RSS when sampling started, at a fine interval."""

    def __init__(self, sid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.sid, self.interval = sid, interval
        self.base_kb = tree_rss_kb(sid)[0]
        self.peak_kb = self.base_kb
        self._stop_evt = threading.Event()

    def run(self) -> None:
        while not self._stop_evt.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.sid)[0])
            self._stop_evt.wait(self.interval)

    def stop(self) -> tuple[float, float]:
        self._stop_evt.set()
        self.join(2)
        self.peak_kb = max(self.peak_kb, tree_rss_kb(self.sid)[0])
        return self.base_kb / 1024, (self.peak_kb - self.base_kb) / 1024


def make_source(path: Path, size: int) -> None:
    """A file of `size` bytes: a 64 MiB random block repeated (incompressible, quick to write)."""
    block = os.urandom(64 * 1024 * 1024)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n


def timed(fn) -> float:
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def curl(args: list[str], timeout: float) -> None:
    # `Expect:` off: curl would otherwise wait for a 100-continue before large bodies.
    out = subprocess.run(["curl", "-sS", "--fail-with-body", "-H", "Expect:", *args],
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"curl {' '.join(args[:3])} failed ({out.returncode}): {out.stderr[-300:]} {out.stdout[-300:]}")


def run_op(op: str, server: Server, base: str, run, source: Path, work: Path, timeout: float):
    """Performs one transfer and returns a check function for the result (or None)."""
    import mlflow

    uri = f"http://{HOST}:{server.port}"
    store_path = run.info.artifact_uri[len("mlflow-artifacts:/"):]
    name = source.name
    if op == "put":
        curl(["-T", str(source), f"{uri}{ARTIFACTS_API}/{store_path}/curl/{name}"], timeout)
        return None
    if op == "get":
        target = work / "get.bin"
        curl(["-o", str(target), f"{uri}{ARTIFACTS_API}/{store_path}/curl/{name}"], timeout)
        return target
    if op == "list":
        listing = requests_get(f"{uri}{ARTIFACTS_API}", {"path": f"{store_path}/many"}, timeout)
        count = len(listing.get("files", []))
        if count != LIST_OBJECTS:
            raise RuntimeError(f"listed {count} entries, expected {LIST_OBJECTS}")
        return None
    client = mlflow.MlflowClient(tracking_uri=uri)
    if op == "log":
        client.log_artifact(run.info.run_id, str(source), artifact_path="client")
        return None
    if op == "download":
        target = work / "download"
        target.mkdir()
        return Path(client.download_artifacts(run.info.run_id, f"client/{name}", str(target)))
    raise ValueError(op)


def requests_get(url: str, params: dict, timeout: float) -> dict:
    import requests

    response = requests.get(url, params=params, timeout=timeout)
    response.raise_for_status()
    return response.json()


def fill_listing_folder(args, name: str, port: int, run) -> None:
    """LIST_OBJECTS small objects in the run's `many/` folder, written straight into the bucket."""
    from concurrent.futures import ThreadPoolExecutor

    store_path = run.info.artifact_uri[len("mlflow-artifacts:/"):]
    prefix = f"{s3_prefix(name, port)}/{store_path}/many/"
    s3 = moto_client(args)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=S3_BUCKET, Key=f"{prefix}f{i:05d}.txt", Body=b"x"), range(LIST_OBJECTS)))


def bench_server(name: str, args, ports: PortAllocator, rep: int, source: Path, scratch: Path) -> dict:
    import mlflow

    port = ports.get()
    data = scratch / f"{name}-rep{rep}"
    server = Server(name, args, port, data)
    session: dict = {"server": name, "rep": rep, "port": port, "ops": []}
    try:
        server.start()
        session["startup_s"] = server.startup_s
        uri = f"http://{HOST}:{port}"
        client = mlflow.MlflowClient(tracking_uri=uri)
        experiment = client.create_experiment(f"bench-{rep}")
        run = client.create_run(experiment)
        # Warm up both paths with a small file so first-request costs stay out of the numbers.
        small = scratch / "warm.txt"
        small.write_text("warm")
        client.log_artifact(run.info.run_id, str(small), artifact_path="warm")
        client.download_artifacts(run.info.run_id, "warm/warm.txt", str(scratch))
        if "list" in args.ops:
            fill_listing_folder(args, name, port, run)
        time.sleep(1)
        session["idle_rss_mb"] = tree_rss_kb(server.proc.pid)[0] / 1024
        for op in args.ops:
            work = scratch / f"work-{name}-{op}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            sampler = GrowthSampler(server.proc.pid)
            sampler.start()
            result: dict = {"op": op}
            try:
                t0 = time.monotonic()
                target = run_op(op, server, uri, run, source, work, args.timeout)
                result["seconds"] = time.monotonic() - t0
                if op != "list":
                    result["mib_s"] = source.stat().st_size / 2**20 / result["seconds"]
            except Exception as exc:  # a failed or timed-out transfer is a result, not a crash
                result["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
                target = None
            base_mb, growth_mb = sampler.stop()
            result["rss_before_mb"], result["rss_growth_mb"] = base_mb, growth_mb
            result["tree_hwm_mb"] = tree_hwm_kb(server.proc.pid) / 1024
            if target is not None and "error" not in result:
                result["identical"] = filecmp.cmp(source, target, shallow=False)
            shutil.rmtree(work, ignore_errors=True)
            log(f"{name} rep{rep} {op}: " + ", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                                                       for k, v in result.items() if k != "op"))
            session["ops"].append(result)
    except Exception as exc:
        session["error"] = f"{type(exc).__name__}: {exc}"
        log(f"{name} rep{rep} failed: {session['error']}")
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return session


def copy_baseline(source: Path, scratch: Path) -> float:
    target = scratch / "cp-copy.bin"
    seconds = timed(lambda: subprocess.run(["cp", str(source), str(target)], check=True))
    target.unlink()
    return source.stat().st_size / 2**20 / seconds


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec=",.0f"):
    return "n/a" if x is None else format(x, spec)


def build_report(sessions: list[dict], cp_mib_s: list[float], args, meta: dict) -> str:
    size_gib = args.size_gib
    lines = [
        f"# Artifact transfer benchmark: {size_gib:g} GiB file",
        "",
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, {meta['cpu']} ({meta['ncpu']} cores), kernel {meta['kernel']}.",
        "Servers: " + "; ".join(v for k, v in meta["versions"].items() if k in args.servers) + ".",
        f"Medians over {args.repeats} repetition(s). `cp` of the same file on the same disk: "
        f"**{fmt(med(cp_mib_s))} MiB/s** (median of {len(cp_mib_s)}).",
        "",
        "| server | transfer | MiB/s | seconds | vs cp | server RSS before (MB) | RSS growth (MB) | errors | byte-identical |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    cp = med(cp_mib_s)
    for server in args.servers:
        for op in args.ops:
            cells = [o for s in sessions if s["server"] == server for o in s.get("ops", []) if o["op"] == op]
            if not cells:
                continue
            ok = [c for c in cells if "error" not in c]
            speed = med([c.get("mib_s") for c in ok])
            errors = len(cells) - len(ok)
            identical = {c.get("identical") for c in ok} - {None}
            lines.append(
                f"| {server} | {op} | {fmt(speed)} | {fmt(med([c['seconds'] for c in ok]), '.1f')} | "
                f"{fmt(speed / cp if speed and cp else None, '.2f')} | {fmt(med([c['rss_before_mb'] for c in cells]))} | "
                f"{fmt(med([c['rss_growth_mb'] for c in cells]), '.1f')} | {errors} | "
                f"{'yes' if identical == {True} else ('NO' if False in identical else '-')} |")
    failures = [(s["server"], o["op"], o["error"]) for s in sessions for o in s.get("ops", []) if "error" in o]
    failures += [(s["server"], "session", s["error"]) for s in sessions if "error" in s]
    if failures:
        lines += ["", "Failures:", ""] + [f"- {srv} {op}: {err}" for srv, op, err in failures]
    lines += [
        "",
        "`put`/`get`: one streamed curl request. `log`/`download`: `MlflowClient.log_artifact` / `download_artifacts`",
        "(against Stride, `log` is a multipart upload of 10 MiB parts, as the client does when server-info reports",
        "multipart uploads; against MLflow's local store it is one PUT). RSS growth: the peak RSS of the server's",
        "whole process tree during the transfer minus its RSS just before it, sampled every 50 ms.",
    ]
    return "\n".join(lines) + "\n"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    venv_bin = BENCH_DIR / ".venv" / "bin"
    ap.add_argument("--servers", default="stride,mlflow", help="comma list of stride,mlflow")
    ap.add_argument("--stride-bin", default=str(REPO_DIR / ".build-static" / "release" / "stride"))
    ap.add_argument("--mlflow-bin", default=str(venv_bin / "mlflow"))
    ap.add_argument("--mlflow-workers", type=int, default=1)
    ap.add_argument("--base-port", type=int, default=5710)
    ap.add_argument("--startup-timeout", type=float, default=120)
    ap.add_argument("--size-gib", type=float, default=2.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ops", default=",".join(OPS), help="comma list of " + ",".join(OPS))
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one curl transfer is abandoned")
    ap.add_argument("--scratch", default=None, help="folder for the source file and server data (default: a temp dir)")
    ap.add_argument("--out", default=str(BENCH_DIR / "results"))
    ap.add_argument("--s3", action="store_true", help="keep artifacts in a moto S3 server this script starts")
    ap.add_argument("--moto-port", type=int, default=5790)
    ap.add_argument("--ceiling", action="store_true", help="with --s3: also time boto3 alone against moto")
    ap.add_argument("--ceiling-ways", default="put,upload,get,download",
                    help="boto3 ways for --ceiling (download takes minutes on moto: it re-reads the object per range)")
    args = ap.parse_args()
    args.ops = [o.strip() for o in args.ops.split(",") if o.strip()]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    bad = [o for o in args.ops if o not in OPS] + [s for s in args.servers if s not in ("stride", "mlflow")]
    if bad:
        ap.error(f"unknown server or transfer: {bad}")
    if args.ceiling and not args.s3:
        ap.error("--ceiling needs --s3")
    if "list" in args.ops and not args.s3:
        ap.error("the list transfer needs --s3")
    # Servers start in their data directory, so binaries are named by absolute path.
    args.stride_bin, args.mlflow_bin = (os.path.abspath(b) if os.sep in b else b for b in (args.stride_bin, args.mlflow_bin))
    for name, binary in (("stride", args.stride_bin), ("mlflow", args.mlflow_bin)):
        if name in args.servers and not os.access(binary, os.X_OK):
            ap.error(f"{name} binary not found or not executable: {binary}")
    # Settings ingest.Server and machine_meta read; this benchmark keeps their defaults.
    args.fml_bin, args.wrk, args.default_server_logging, args.mlflow_no_jobs = "fml", "wrk", False, False
    args.size = int(args.size_gib * 2**30)
    return args


def write_results(out_dir: str, stem: str, report: str, meta: dict, args, sessions: list[dict]) -> int:
    """Prints the report and saves it as <stem>.md with the raw numbers in <stem>.json."""
    failed = any("error" in s for s in sessions) or any("error" in o for s in sessions for o in s["ops"])
    return ingest.write_results(out_dir, stem, report, meta, args, sessions, failed)


def main() -> int:
    args = parse_args()
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")

    size = args.size
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="stride-artifacts-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(scratch).free
    if free < size * 4:
        sys.exit(f"{scratch} has {free / 2**30:.1f} GiB free; this run needs about {size * 4 / 2**30:.1f} GiB")
    meta = machine_meta(args)
    source = scratch / "payload.bin"
    moto = start_moto(args) if args.s3 else None
    try:
        log(f"writing a {args.size_gib:g} GiB source file in {scratch}")
        make_source(source, size)
        ceiling = measure_ceiling(args, source, scratch) if args.ceiling else []
        ports = PortAllocator(args.base_port)
        sessions, cp_mib_s = [], []
        for rep in range(1, args.repeats + 1):
            cp_mib_s.append(copy_baseline(source, scratch))
            log(f"rep{rep} cp: {cp_mib_s[-1]:,.0f} MiB/s")
            for name in args.servers:
                sessions.append(bench_server(name, args, ports, rep, source, scratch))
        report = build_report(sessions, cp_mib_s, args, meta) + ceiling_report(ceiling, sessions, args)
        meta = meta | {"ceiling": ceiling}
        stem = f"artifacts-{'s3-' if args.s3 else ''}{args.size_gib:g}gib-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
        return write_results(args.out, stem, report, meta | {"cp_mib_s": cp_mib_s}, args, sessions)
    finally:
        if moto is not None:
            moto.terminate()
            moto.wait(timeout=10)
        if not args.scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            source.unlink(missing_ok=True)


# --- S3 (moto) -------------------------------------------------------------------------------------

S3_BUCKET = "bench"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def s3_prefix(name: str, port: int) -> str:
    return f"{name}-{port}"


def moto_client(args):
    import boto3

    return boto3.client("s3", endpoint_url=f"http://{HOST}:{args.moto_port}", region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def measure_ceiling(args, source: Path, scratch: Path) -> list[dict]:
    """boto3 alone against the same moto: the S3 server's own speed for this file, four ways."""
    from boto3.s3.transfer import TransferConfig

    s3 = moto_client(args)
    size = source.stat().st_size
    results = []

    def one(way: str, fn) -> None:
        result: dict = {"way": way}
        try:
            result["seconds"] = timed(fn)
            result["mib_s"] = size / 2**20 / result["seconds"]
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        log(f"boto3 {way}: " + ", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()))
        results.append(result)

    def put() -> None:
        with open(source, "rb") as f:
            s3.put_object(Bucket=S3_BUCKET, Key="ceiling/put.bin", Body=f)

    def get() -> None:
        body = s3.get_object(Bucket=S3_BUCKET, Key="ceiling/put.bin")["Body"]
        with open(scratch / "ceiling-get.bin", "wb") as f:
            for chunk in body.iter_chunks(1024 * 1024):
                f.write(chunk)

    ways = {
        "put": put,
        "upload": lambda: s3.upload_file(str(source), S3_BUCKET, "ceiling/upload.bin", Config=TransferConfig()),
        "get": get,
        "download": lambda: s3.download_file(S3_BUCKET, "ceiling/upload.bin", str(scratch / "ceiling-download.bin"),
                                             Config=TransferConfig()),
    }
    for way in ways:
        if way in args.ceiling_ways.split(","):
            one(way, ways[way])
    for name in ("ceiling-get.bin", "ceiling-download.bin"):
        target = scratch / name
        if target.exists():
            results.append({"way": f"{name} identical", "identical": filecmp.cmp(source, target, shallow=False)})
            target.unlink()
    s3.delete_objects(Bucket=S3_BUCKET, Delete={"Objects": [{"Key": "ceiling/put.bin"}, {"Key": "ceiling/upload.bin"}]})
    return results


def ceiling_report(ceiling: list[dict], sessions: list[dict], args) -> str:
    """The boto3-alone table, and each server's put/get as a share of the best boto3 way."""
    if not ceiling:
        return ""
    lines = ["", "## The S3 server alone (boto3 against the same moto, no tracking server)", "",
             "| boto3 way | MiB/s | seconds |", "|---|---:|---:|"]
    speeds = {}
    for c in ceiling:
        if "identical" in c:
            continue
        speeds[c["way"]] = c.get("mib_s")
        lines.append(f"| {c['way']} | {fmt(c.get('mib_s'))} | {fmt(c.get('seconds'), '.1f')} |"
                     + (f" {c['error']}" if "error" in c else ""))
    identical = [c for c in ceiling if "identical" in c]
    if identical:
        lines += ["", "Copies read back by boto3 byte-identical: " + ", ".join(
            f"{c['way'].split()[0]} {'yes' if c['identical'] else 'NO'}" for c in identical) + "."]
    best_up = max([v for k, v in speeds.items() if k in ("put", "upload") and v] or [0]) or None
    best_down = max([v for k, v in speeds.items() if k in ("get", "download") and v] or [0]) or None
    lines += ["", "| server | transfer | MiB/s | share of boto3's best way |", "|---|---|---:|---:|"]
    for server in args.servers:
        for op, best in (("put", best_up), ("get", best_down), ("log", best_up), ("download", best_down)):
            cells = [o for s in sessions if s["server"] == server for o in s.get("ops", []) if o["op"] == op and "error" not in o]
            speed = med([c.get("mib_s") for c in cells])
            if speed is not None:
                lines.append(f"| {server} | {op} | {fmt(speed)} | {fmt(speed / best * 100 if best else None, '.0f')}% |")
    return "\n".join(lines) + "\n"


def start_moto(args) -> subprocess.Popen:
    """moto's S3 server, shared by both servers, with the bucket created; servers reach it through the environment."""
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(args.moto_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            moto_client(args).create_bucket(Bucket=S3_BUCKET)
            break
        except Exception:
            if time.monotonic() > deadline:
                proc.terminate()
                sys.exit("moto did not start")
            time.sleep(0.3)
    os.environ.update(S3_CREDENTIALS, MLFLOW_S3_ENDPOINT_URL=f"http://{HOST}:{args.moto_port}")
    plain_command = ingest.server_command

    def s3_command(name, args, port, data, store):
        cmd, env = plain_command(name, args, port, data, store)
        at = cmd.index("--artifacts-destination")
        cmd[at + 1] = f"s3://{S3_BUCKET}/{s3_prefix(name, port)}"
        return cmd, env

    ingest.server_command = s3_command
    return proc


if __name__ == "__main__":
    sys.exit(main())
