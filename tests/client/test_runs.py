"""Runs: create, end, nest, resume, rename, terminate, delete/restore, errors."""

from __future__ import annotations

import re
import time

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import unique_name

RUN_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def now_ms() -> int:
    return int(time.time() * 1000)


def test_start_run_creates_a_running_run_with_a_32_hex_id(experiment_id, client):
    before = now_ms()
    run = mlflow.start_run()
    try:
        assert RUN_ID_RE.match(run.info.run_id)
        fetched = client.get_run(run.info.run_id)
        assert fetched.info.status == "RUNNING"
        assert fetched.info.lifecycle_stage == "active"
        assert fetched.info.experiment_id == experiment_id
        assert fetched.info.end_time is None
        assert before - 5000 <= fetched.info.start_time <= now_ms() + 5000
    finally:
        mlflow.end_run()


def test_end_run_sets_status_finished_and_end_time(experiment_id, client):
    run = mlflow.start_run()
    mlflow.end_run()
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.info.end_time is not None
    assert fetched.info.end_time >= fetched.info.start_time


def test_with_block_finishes_the_run(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_param("p", "1")
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.info.end_time is not None
    assert mlflow.active_run() is None


def test_exception_inside_with_block_marks_the_run_failed(experiment_id, client):
    with pytest.raises(ZeroDivisionError):
        with mlflow.start_run() as run:
            1 / 0
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.status == "FAILED"
    assert fetched.info.end_time is not None


def test_end_run_with_explicit_killed_status(experiment_id, client):
    run = mlflow.start_run()
    mlflow.end_run(status="KILLED")
    assert client.get_run(run.info.run_id).info.status == "KILLED"


def test_nested_run_carries_the_parent_run_id_tag(experiment_id, client):
    with mlflow.start_run() as parent:
        with mlflow.start_run(nested=True) as child:
            pass
    child_run = client.get_run(child.info.run_id)
    assert child_run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert child_run.info.status == "FINISHED"
    assert "mlflow.parentRunId" not in client.get_run(parent.info.run_id).data.tags
    # the child is findable by its parent tag
    found = client.search_runs([experiment_id], filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert [r.info.run_id for r in found] == [child.info.run_id]


def test_resuming_a_finished_run_sets_it_running_again(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1.0, step=0)
    assert client.get_run(run.info.run_id).info.status == "FINISHED"
    with mlflow.start_run(run_id=run.info.run_id) as resumed:
        assert resumed.info.run_id == run.info.run_id
        assert client.get_run(run.info.run_id).info.status == "RUNNING"
        mlflow.log_metric("m", 2.0, step=1)
    final = client.get_run(run.info.run_id)
    assert final.info.status == "FINISHED"
    assert [m.value for m in client.get_metric_history(run.info.run_id, "m")] == [1.0, 2.0]


def test_generated_run_name_is_non_empty_and_equals_the_run_name_tag(experiment_id, client):
    with mlflow.start_run() as run:
        pass
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name
    assert fetched.data.tags["mlflow.runName"] == fetched.info.run_name
    # MlflowClient.create_run without a name gets a generated one as well
    other = client.create_run(experiment_id)
    assert other.info.run_name
    assert other.data.tags["mlflow.runName"] == other.info.run_name


def test_generated_run_names_look_like_adjective_animal_number(experiment_id, client):
    names = {client.create_run(experiment_id).info.run_name for _ in range(5)}
    for name in names:
        assert re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", name), name
        assert len(name) <= 20, name


def test_given_run_name_is_stored_and_mirrored_in_the_tag(experiment_id, client):
    with mlflow.start_run(run_name="my-first-run") as run:
        pass
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name == "my-first-run"
    assert fetched.data.tags["mlflow.runName"] == "my-first-run"


def test_client_create_run_with_name_tags_and_start_time(experiment_id, client):
    run = client.create_run(experiment_id, start_time=1234567890123, tags={"k": "v"}, run_name="named")
    assert run.info.run_name == "named"
    assert run.info.start_time == 1234567890123
    assert run.data.tags["k"] == "v"
    assert run.data.tags["mlflow.runName"] == "named"
    assert run.info.status == "RUNNING"


def test_run_name_that_conflicts_with_run_name_tag_is_rejected(experiment_id, api):
    resp = api.post(
        "/api/2.0/mlflow/runs/create",
        json={"experiment_id": experiment_id, "run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]},
    )
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Both 'run_name' argument and 'mlflow.runName' tag are specified" in resp.json()["message"]


def test_run_name_taken_from_the_run_name_tag_when_no_run_name_field(experiment_id, api, client):
    resp = api.post(
        "/api/2.0/mlflow/runs/create",
        json={"experiment_id": experiment_id, "tags": [{"key": "mlflow.runName", "value": "from-tag"}]},
    )
    assert resp.status_code == 200
    run_id = resp.json()["run"]["info"]["run_id"]
    assert client.get_run(run_id).info.run_name == "from-tag"


def test_update_run_name_renames_the_run_and_updates_the_tag(run_id, client):
    client.update_run(run_id, name="renamed")
    fetched = client.get_run(run_id)
    assert fetched.info.run_name == "renamed"
    assert fetched.data.tags["mlflow.runName"] == "renamed"
    assert fetched.info.status == "RUNNING"


def test_update_run_status_only_keeps_the_name(run_id, client):
    name = client.get_run(run_id).info.run_name
    client.update_run(run_id, status="FINISHED")
    fetched = client.get_run(run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.info.run_name == name


def test_set_terminated_with_killed_status_and_end_time(run_id, client):
    client.set_terminated(run_id, status="KILLED", end_time=4102444800000)
    fetched = client.get_run(run_id)
    assert fetched.info.status == "KILLED"
    assert fetched.info.end_time == 4102444800000


def test_set_terminated_defaults_to_finished(run_id, client):
    client.set_terminated(run_id)
    fetched = client.get_run(run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.info.end_time is not None


@pytest.mark.parametrize("status", ["SCHEDULED", "FAILED", "KILLED", "FINISHED", "RUNNING"])
def test_every_run_status_round_trips(run_id, client, status):
    client.update_run(run_id, status=status)
    assert client.get_run(run_id).info.status == status


def test_delete_and_restore_run_flip_lifecycle_stage(run_id, client):
    client.delete_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    client.restore_run(run_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"


def test_deleted_run_is_hidden_from_active_search_but_found_with_deleted_only(experiment_id, client):
    keep = client.create_run(experiment_id).info.run_id
    gone = client.create_run(experiment_id).info.run_id
    client.delete_run(gone)

    def ids(view):
        return {r.info.run_id for r in client.search_runs([experiment_id], run_view_type=view)}

    assert ids(ViewType.ACTIVE_ONLY) == {keep}
    assert ids(ViewType.DELETED_ONLY) == {gone}
    assert ids(ViewType.ALL) == {keep, gone}


def test_creating_a_run_in_a_deleted_experiment_fails(client):
    exp_id = client.create_experiment(unique_name("deleted-exp"))
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException) as exc:
        client.create_run(exp_id)
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert f"The experiment {exp_id} must be in the 'active' state. Current state is deleted." in exc.value.message


def test_creating_a_run_in_an_unknown_experiment_is_resource_does_not_exist(client):
    with pytest.raises(MlflowException) as exc:
        client.create_run("987654321")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "No Experiment with id=987654321 exists" in exc.value.message


@pytest.mark.parametrize(
    "log",
    [
        lambda c, r: c.log_metric(r, "m", 1.0),
        lambda c, r: c.log_param(r, "p", "v"),
        lambda c, r: c.set_tag(r, "t", "v"),
        lambda c, r: c.log_batch(r, params=[mlflow.entities.Param("bp", "v")]),
    ],
    ids=["log_metric", "log_param", "set_tag", "log_batch"],
)
def test_logging_to_a_deleted_run_fails(run_id, client, log):
    client.delete_run(run_id)
    with pytest.raises(MlflowException) as exc:
        log(client, run_id)
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert f"The run {run_id} must be in the 'active' state. Current state is deleted." in exc.value.message
    data = client.get_run(run_id).data
    assert data.metrics == {} and data.params == {}
    assert "t" not in data.tags


def test_finished_run_still_accepts_logging(run_id, client):
    client.set_terminated(run_id)
    client.log_metric(run_id, "late", 3.0)
    client.log_param(run_id, "late_p", "x")
    fetched = client.get_run(run_id)
    assert fetched.data.metrics["late"] == 3.0
    assert fetched.data.params["late_p"] == "x"
    assert fetched.info.status == "FINISHED"


def test_get_run_with_unknown_id_raises_resource_does_not_exist(client, tracking_uri):
    missing = "0123456789abcdef0123456789abcdef"
    with pytest.raises(MlflowException) as exc:
        client.get_run(missing)
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert exc.value.get_http_status_code() == 404
    assert f"Run with id={missing} not found" in exc.value.message


def test_run_artifact_uri_is_under_the_experiment_artifact_location(experiment_id, client):
    with mlflow.start_run() as run:
        pass
    assert run.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{run.info.run_id}/artifacts"
    assert client.get_run(run.info.run_id).info.artifact_uri == run.info.artifact_uri


def test_start_run_records_the_default_source_tags(experiment_id, client):
    with mlflow.start_run() as run:
        pass
    tags = client.get_run(run.info.run_id).data.tags
    assert tags["mlflow.source.type"] == "LOCAL"
    assert tags["mlflow.source.name"]
    assert tags["mlflow.user"] == client.get_run(run.info.run_id).info.user_id


def test_mlflow_get_run_and_last_active_run(experiment_id):
    with mlflow.start_run(run_name="last") as run:
        mlflow.log_param("a", "b")
    last = mlflow.last_active_run()
    assert last.info.run_id == run.info.run_id
    assert last.info.run_name == "last"
    assert mlflow.get_run(run.info.run_id).data.params == {"a": "b"}


def test_search_runs_filters_and_orders(experiment_id, client):
    for i, loss in enumerate([0.5, 0.1, 0.9]):
        run = client.create_run(experiment_id, run_name=f"r{i}")
        client.log_metric(run.info.run_id, "loss", loss)
        client.log_param(run.info.run_id, "idx", str(i))
    runs = client.search_runs([experiment_id], filter_string="metrics.loss < 0.8", order_by=["metrics.loss ASC"])
    assert [r.data.metrics["loss"] for r in runs] == [0.1, 0.5]
    runs = client.search_runs([experiment_id], filter_string="params.idx = '2'")
    assert [r.info.run_name for r in runs] == ["r2"]
    runs = client.search_runs([experiment_id], filter_string="attributes.run_name = 'r0'")
    assert [r.data.params["idx"] for r in runs] == ["0"]


def test_search_runs_pages_with_max_results_and_page_token(experiment_id, client):
    created = {client.create_run(experiment_id).info.run_id for _ in range(5)}
    seen, token = [], None
    for _ in range(10):
        page = client.search_runs([experiment_id], max_results=2, page_token=token)
        seen.extend(r.info.run_id for r in page)
        token = page.token
        if not token:
            break
    assert len(seen) == 5
    assert set(seen) == created


def test_fluent_search_runs_returns_a_dataframe(experiment_id):
    with mlflow.start_run(run_name="df-run"):
        mlflow.log_metric("acc", 0.75)
        mlflow.log_param("lr", 0.01)
    df = mlflow.search_runs([experiment_id])
    assert list(df["tags.mlflow.runName"]) == ["df-run"]
    assert list(df["metrics.acc"]) == [0.75]
    assert list(df["params.lr"]) == ["0.01"]
    assert list(df["status"]) == ["FINISHED"]
