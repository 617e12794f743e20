"""Seeds a fresh Stride server through the real mlflow client for the browser check.

Usage: seed.py TRACKING_URI PAGES_FILE. Writes one line per page to check to PAGES_FILE: `<name> <path>`
(not to stdout, where the client prints its own "View run" lines).
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
import tempfile
import zlib

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")

import mlflow  # noqa: E402
import numpy  # noqa: E402  (a dependency of mlflow)
from mlflow import MlflowClient  # noqa: E402


def tiny_png(width: int = 48, height: int = 32) -> bytes:
    """A small gradient PNG written by hand, so the seed needs no imaging library."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 5 % 256, y * 8 % 256, 160)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def main() -> None:
    mlflow.set_tracking_uri(sys.argv[1])
    client = MlflowClient()
    experiment_id = mlflow.set_experiment("vision-resnet").experiment_id
    mlflow.set_experiment("speech-baseline")
    mlflow.set_experiment("vision-resnet")

    run_ids = []
    with mlflow.start_run(run_name="lr-sweep") as parent:
        mlflow.set_tags({
            "gitlab.CI_JOB_ID": "812345",
            "gitlab.CI_JOB_URL": "https://gitlab.example.com/ml/vision/-/jobs/812345",
            "mlflow.source.git.commit": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
            "mlflow.source.name": "train/resnet.py",
            "team": "vision",
        })
        for index, lr in enumerate([0.1, 0.03, 0.01]):
            with mlflow.start_run(run_name=f"trial-lr-{lr}", nested=True) as child:
                mlflow.log_params({"lr": lr, "batch_size": 64 * (index + 1), "optimizer": "adam" if index else "sgd"})
                for step in range(200):
                    loss = 2.5 * math.exp(-step * lr * 0.2) + 0.05 * math.sin(step / 3) + 0.1 * index
                    mlflow.log_metrics({"loss": loss, "accuracy": 1 - loss / 3}, step=step)
                run_ids.append(child.info.run_id)
        mlflow.log_input(mlflow.data.from_numpy(numpy.arange(12).reshape(4, 3), name="toy-train"), context="train")
        mlflow.log_metric("best_loss", 0.12)
        mlflow.log_text("epochs: 200\nlr: [0.1, 0.03, 0.01]\n", "config/train.yaml")
        mlflow.log_text("step,loss,accuracy\n" + "\n".join(f"{s},{2.5 * math.exp(-s / 50):.4f},{0.5 + s / 400:.4f}" for s in range(300)), "metrics.csv")
        mlflow.log_text(json.dumps({"classes": ["cat", "dog"], "threshold": 0.5}, indent=2), "meta/labels.json")
        mlflow.log_text("<h1>Report</h1><script>alert(1)</script>", "report.html")
        with tempfile.TemporaryDirectory() as folder:
            image = os.path.join(folder, "confusion.png")
            with open(image, "wb") as handle:
                handle.write(tiny_png())
            mlflow.log_artifact(image, "plots")
        parent_id = parent.info.run_id

    with mlflow.start_run(run_name="<script>alert(1)</script>"):
        mlflow.log_param("lr", 0.2)
        mlflow.log_metric("loss", 0.9)

    client.create_registered_model("fraud-detector", description="Flags suspicious card payments.", tags={"owner": "risk"})
    for run_id in run_ids[:2]:
        client.create_model_version("fraud-detector", f"runs:/{run_id}/model", run_id=run_id, description="trained in the sweep")
    client.set_registered_model_alias("fraud-detector", "champion", "2")
    client.transition_model_version_stage("fraud-detector", "1", "Staging")

    # A traced pipeline: nested spans, one failing, with token usage and feedback.
    @mlflow.trace(name="retrieve", span_type="RETRIEVER")
    def retrieve(question):
        return [f"doc about {question}", "tide tables"]

    @mlflow.trace(name="lookup-weather", span_type="TOOL")
    def lookup_weather(city):
        raise TimeoutError(f"weather service timed out for {city}")

    @mlflow.trace(name="answer", span_type="CHAIN")
    def answer(question):
        docs = retrieve(question)
        try:
            lookup_weather("Oslo")
        except TimeoutError:
            pass
        with mlflow.start_span(name="chat", span_type="CHAT_MODEL") as chat:
            chat.set_inputs({"messages": [{"role": "user", "content": question}]})
            chat.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 120, "output_tokens": 48, "total_tokens": 168})
            chat.set_outputs({"content": "High tide is at 12:40."})
        return f"{len(docs)} docs: high tide is at 12:40"

    with mlflow.start_run(run_name="rag-eval"):
        answer("When is high tide?")
    trace_id = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging(terminate=False)
    mlflow.log_feedback(trace_id=trace_id, name="relevance", value=0.9, rationale="answers the question")

    pages = {
        "experiments": "/",
        "runs": f"/experiments/{experiment_id}?cols=1&col=metrics.loss&col=metrics.accuracy&col=params.lr&col=params.optimizer&col=tags.team",
        "run": f"/runs/{parent_id}",
        "charts": "/charts?" + "&".join(f"run={r}" for r in run_ids) + "&smooth=0.6",
        "compare": "/compare?" + "&".join(f"run={r}" for r in run_ids) + "&sx=params.lr&sy=metrics.loss",
        "artifacts": f"/runs/{parent_id}/artifacts?path=metrics.csv",
        "models": "/models",
        "model": "/models/fraud-detector",
        "model-version": "/models/fraud-detector/versions/2",
        "traces": f"/experiments/{experiment_id}/traces",
        "trace": f"/traces/{trace_id}",
    }
    with open(sys.argv[2], "w") as out:
        for name, path in pages.items():
            out.write(f"{name} {path}\n")


if __name__ == "__main__":
    main()
