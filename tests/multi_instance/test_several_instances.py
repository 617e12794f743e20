"""Several Stride instances on one store behave as one server (issue 14).

Every check goes through different instances on purpose: what one instance wrote or changed must be
what every other answers at once (or, for a revoked token, within a second).
"""

from __future__ import annotations

import threading
import time
import uuid

import mlflow
import pytest
import requests
from mlflow.tracking import MlflowClient

API = "/projects/vision/api/2.0/mlflow"


def call(instance_uri: str, token: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{instance_uri}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)


@pytest.fixture
def writer(cluster):
    return cluster.tokens["vision-writer"]


def new_run(cluster, writer: str, instance: int = 0) -> tuple[str, str]:
    uri = cluster.instances[instance].uri
    experiment = call(uri, writer, "POST", f"{API}/experiments/create", json={"name": f"multi-{uuid.uuid4().hex}"})
    assert experiment.status_code == 200, experiment.text
    experiment_id = experiment.json()["experiment_id"]
    run = call(uri, writer, "POST", f"{API}/runs/create", json={"experiment_id": experiment_id})
    assert run.status_code == 200, run.text
    return experiment_id, run.json()["run"]["info"]["run_id"]


def test_the_mlflow_client_logs_and_reads_through_the_load_balancer(cluster, writer, monkeypatch, tmp_path):
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", writer)
    uri = cluster.balancer + "/projects/vision"
    mlflow.set_tracking_uri(uri)
    try:
        mlflow.set_experiment(f"balanced-{uuid.uuid4().hex}")
        (tmp_path / "notes.txt").write_text("through nginx")
        with mlflow.start_run() as run:
            mlflow.log_param("lr", "0.1")
            for step in range(30):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            mlflow.log_artifact(str(tmp_path / "notes.txt"))
        client = MlflowClient(uri)
        # Thirty requests went round robin over three instances; every read sees all of them.
        assert len(client.get_metric_history(run.info.run_id, "loss")) == 30
        assert client.get_run(run.info.run_id).data.params == {"lr": "0.1"}
        downloaded = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="notes.txt",
                                                         dst_path=str(tmp_path / "out"))
        assert open(downloaded).read() == "through nginx"
    finally:
        mlflow.set_tracking_uri(None)


def test_a_write_through_one_instance_is_read_through_every_other_at_once(cluster, writer):
    _, run_id = new_run(cluster, writer, instance=0)
    for index, instance in enumerate(cluster.instances):
        logged = call(instance.uri, writer, "POST", f"{API}/runs/log-metric",
                      json={"run_id": run_id, "key": "acc", "value": index / 10, "timestamp": 1000 + index, "step": index})
        assert logged.status_code == 200, logged.text
        for reader in cluster.instances:
            history = call(reader.uri, writer, "GET", f"{API}/metrics/get-history", params={"run_id": run_id, "metric_key": "acc"})
            assert [m["step"] for m in history.json()["metrics"]] == list(range(index + 1))


def test_a_page_token_from_one_instance_pages_on_another(cluster, writer):
    experiment_id, _ = new_run(cluster, writer)
    for _ in range(24):
        assert call(cluster.instances[0].uri, writer, "POST", f"{API}/runs/create", json={"experiment_id": experiment_id}).ok
    seen, token = [], None
    for page in range(3):
        body = {"experiment_ids": [experiment_id], "max_results": 10, "order_by": ["attributes.start_time DESC"]}
        if token:
            body["page_token"] = token
        answer = call(cluster.instances[page % 3].uri, writer, "POST", f"{API}/runs/search", json=body).json()
        seen += [r["info"]["run_id"] for r in answer["runs"]]
        token = answer.get("next_page_token")
    assert len(seen) == 25 and len(set(seen)) == 25
    assert token is None


def test_a_token_revoked_through_one_instance_is_refused_by_all_within_a_second(cluster):
    admin = cluster.tokens["vision-admin"]
    tokens_api = "/projects/vision/api/2.0/stride/tokens"
    created = call(cluster.instances[0].uri, admin, "POST", f"{tokens_api}/create", json={"role": "reader", "name": "short"}).json()
    token, token_id = created["token"], created["access_token"]["id"]
    for instance in cluster.instances:  # each instance verifies it once and keeps it in its cache
        assert call(instance.uri, token, "POST", f"{API}/experiments/search", json={"max_results": 1}).status_code == 200
    assert call(cluster.instances[1].uri, admin, "POST", f"{tokens_api}/revoke", json={"token_id": token_id}).status_code == 200
    time.sleep(1.1)
    for instance in cluster.instances:
        refused = call(instance.uri, token, "POST", f"{API}/experiments/search", json={"max_results": 1})
        assert (refused.status_code, refused.json()["error_code"]) == (401, "UNAUTHENTICATED")


def test_a_project_deleted_through_one_instance_is_gone_from_every_instance(cluster):
    server_admin = cluster.tokens["server-admin"]
    name = f"tmp{uuid.uuid4().hex[:8]}"
    created = call(cluster.instances[0].uri, server_admin, "POST", "/api/3.0/mlflow/workspaces", json={"name": name})
    assert created.status_code == 201, created.text
    token = cluster.stride("token", "create", "--project", name, "--role", "writer")
    project_api = f"/projects/{name}/api/2.0/mlflow"
    for instance in cluster.instances:  # each instance has seen the project and the token
        searched = call(instance.uri, token, "POST", f"{project_api}/experiments/search", json={"max_results": 1})
        assert searched.status_code == 200, searched.text
    deleted = call(cluster.instances[2].uri, server_admin, "DELETE", f"/api/3.0/mlflow/workspaces/{name}")
    assert deleted.status_code in (200, 204), deleted.text
    for instance in cluster.instances:
        answer = call(instance.uri, token, "POST", f"{project_api}/experiments/create", json={"name": "after"})
        assert answer.status_code in (401, 404), answer.text
        listed = call(instance.uri, server_admin, "GET", f"/api/3.0/mlflow/workspaces/{name}")
        assert listed.status_code == 404


def test_concurrent_log_batches_to_one_run_through_two_instances_lose_nothing(cluster, writer, monkeypatch):
    _, run_id = new_run(cluster, writer)
    failures: list[str] = []

    def log(instance_index: int, parity: int) -> None:
        uri = cluster.instances[instance_index].uri
        for batch in range(40):
            steps = [2 * (batch * 50 + i) + parity for i in range(50)]
            metrics = [{"key": "loss", "value": float(step), "timestamp": 1000 + step, "step": step} for step in steps]
            answer = call(uri, writer, "POST", f"{API}/runs/log-batch", json={"run_id": run_id, "metrics": metrics})
            if answer.status_code != 200:
                failures.append(f"{uri}: {answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=log, args=(0, 0)), threading.Thread(target=log, args=(1, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", writer)
    third = MlflowClient(cluster.instances[2].uri + "/projects/vision")
    assert sorted(p.step for p in third.get_metric_history(run_id, "loss")) == list(range(4000))
    # The latest value is the one at the highest step, whichever instance wrote it last.
    assert third.get_run(run_id).data.metrics["loss"] == 3999.0


def test_kill_9_of_one_instance_loses_no_acknowledged_write_and_the_others_keep_serving(cluster, writer):
    _, run_id = new_run(cluster, writer)
    acknowledged: dict[int, list[int]] = {0: [], 1: []}
    stop = threading.Event()

    def log(instance_index: int) -> None:
        uri = cluster.instances[instance_index].uri
        for batch in range(10_000):
            if stop.is_set():
                return
            step = batch * 2 + instance_index
            try:
                answer = call(uri, writer, "POST", f"{API}/runs/log-batch",
                              json={"run_id": run_id, "metrics": [{"key": "k", "value": 1.0, "timestamp": 1, "step": step}]})
            except requests.RequestException:
                if instance_index == 0:
                    return  # the killed instance: what it acknowledged before is what counts
                raise
            if answer.status_code == 200:
                acknowledged[instance_index].append(step)

    victim, survivor = cluster.instances[0], cluster.instances[1]
    threads = [threading.Thread(target=log, args=(0,)), threading.Thread(target=log, args=(1,))]
    for thread in threads:
        thread.start()
    time.sleep(2)
    victim.kill_hard()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    try:
        assert acknowledged[0] and acknowledged[1]
        history = call(cluster.instances[2].uri, writer, "GET", f"{API}/metrics/get-history",
                       params={"run_id": run_id, "metric_key": "k", "max_results": 100000}).json()["metrics"]
        stored = {point["step"] for point in history}
        assert set(acknowledged[0]) <= stored and set(acknowledged[1]) <= stored
        assert call(survivor.uri, writer, "GET", f"{API}/runs/get", params={"run_id": run_id}).status_code == 200
    finally:
        victim.start()
