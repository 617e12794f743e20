"""Error codes and messages for unknown ids and for writes to deleted entities."""

from __future__ import annotations

import pytest
from mlflow.exceptions import MlflowException

from conftest import unique_name

UNKNOWN_RUN = "0123456789abcdef0123456789abcdef"
UNKNOWN_EXP = "987654321"


def assert_error(resp, status, code, phrase):
    assert resp.status_code == status, f"{resp.status_code}: {resp.text[:500]}"
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert body["error_code"] == code
    assert phrase in body["message"]


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/2.0/mlflow/runs/update", {"run_id": UNKNOWN_RUN, "status": "FINISHED"}),
        ("/api/2.0/mlflow/runs/delete", {"run_id": UNKNOWN_RUN}),
        ("/api/2.0/mlflow/runs/restore", {"run_id": UNKNOWN_RUN}),
        ("/api/2.0/mlflow/runs/log-metric", {"run_id": UNKNOWN_RUN, "key": "m", "value": 1, "timestamp": 1}),
        ("/api/2.0/mlflow/runs/log-parameter", {"run_id": UNKNOWN_RUN, "key": "p", "value": "v"}),
        ("/api/2.0/mlflow/runs/set-tag", {"run_id": UNKNOWN_RUN, "key": "t", "value": "v"}),
        ("/api/2.0/mlflow/runs/delete-tag", {"run_id": UNKNOWN_RUN, "key": "t"}),
    ],
    ids=lambda v: v.rsplit("/", 1)[-1] if isinstance(v, str) else "",
)
def test_run_endpoints_with_unknown_run_id_are_404(api, path, body):
    assert_error(api.post(path, json=body), 404, "RESOURCE_DOES_NOT_EXIST", f"Run with id={UNKNOWN_RUN} not found")


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/2.0/mlflow/experiments/delete", {"experiment_id": UNKNOWN_EXP}),
        ("/api/2.0/mlflow/experiments/restore", {"experiment_id": UNKNOWN_EXP}),
        ("/api/2.0/mlflow/experiments/update", {"experiment_id": UNKNOWN_EXP, "new_name": "x-unused"}),
        ("/api/2.0/mlflow/experiments/set-experiment-tag", {"experiment_id": UNKNOWN_EXP, "key": "k", "value": "v"}),
        ("/api/2.0/mlflow/runs/create", {"experiment_id": UNKNOWN_EXP}),
    ],
    ids=lambda v: v.rsplit("/", 1)[-1] if isinstance(v, str) else "",
)
def test_experiment_endpoints_with_unknown_experiment_id_are_404(api, path, body):
    assert_error(
        api.post(path, json=body), 404, "RESOURCE_DOES_NOT_EXIST", f"No Experiment with id={UNKNOWN_EXP} exists"
    )


def test_unknown_run_via_client_delete_run(client, tracking_uri):
    with pytest.raises(MlflowException) as exc:
        client.delete_run(UNKNOWN_RUN)
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_deleting_a_missing_experiment_tag_is_404(client):
    exp_id = client.create_experiment(unique_name("tagless"))
    with pytest.raises(MlflowException) as exc:
        client.delete_experiment_tag(exp_id, "nope")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert f"No tag with name: nope in experiment with id {exp_id}" in exc.value.message


def test_experiment_tag_value_over_20000_chars_is_rejected_not_truncated(client):
    exp_id = client.create_experiment(unique_name("bigtag"))
    with pytest.raises(MlflowException) as exc:
        client.set_experiment_tag(exp_id, "k", "v" * 20001)
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "exceeds the maximum length of 20000 characters" in exc.value.message
    assert "k" not in client.get_experiment(exp_id).tags
    client.set_experiment_tag(exp_id, "k", "v" * 20000)
    assert client.get_experiment(exp_id).tags["k"] == "v" * 20000


def test_setting_a_tag_on_a_deleted_experiment_is_rejected(client):
    exp_id = client.create_experiment(unique_name("deltag"))
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException) as exc:
        client.set_experiment_tag(exp_id, "k", "v")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert f"The experiment {exp_id} must be in the 'active' state. Current state is deleted." in exc.value.message


def test_deleting_an_already_deleted_experiment_is_404(client, api):
    # MLflow's delete only looks among active experiments.
    exp_id = client.create_experiment(unique_name("twice"))
    client.delete_experiment(exp_id)
    resp = api.post("/api/2.0/mlflow/experiments/delete", json={"experiment_id": exp_id})
    assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST", f"No Experiment with id={exp_id} exists")
    assert client.get_experiment(exp_id).lifecycle_stage == "deleted"


def test_deleting_an_already_deleted_run_is_accepted(run_id, client):
    client.delete_run(run_id)
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/2.0/mlflow/runs/update", {"status": "FINISHED"}),
        ("/api/2.0/mlflow/runs/delete-tag", {"key": "mlflow.runName"}),
    ],
    ids=["update", "delete-tag"],
)
def test_updating_a_deleted_run_is_rejected(run_id, client, api, path, body):
    client.delete_run(run_id)
    resp = api.post(path, json={"run_id": run_id, **body})
    assert_error(
        resp, 400, "INVALID_PARAMETER_VALUE", f"The run {run_id} must be in the 'active' state. Current state is deleted."
    )
    fetched = client.get_run(run_id)
    assert fetched.info.status == "RUNNING"
    assert "mlflow.runName" in fetched.data.tags
