"""Params (write-once) and run tags (upsert), including MLflow's truncation rules."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.exceptions import MlflowException


# --- params -----------------------------------------------------------------------


def test_log_param_stores_the_value_as_a_string(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_param("alpha", 0.5)
        mlflow.log_param("layers", 3)
        mlflow.log_param("name", "resnet")
        mlflow.log_param("flag", True)
    assert client.get_run(run.info.run_id).data.params == {
        "alpha": "0.5",
        "layers": "3",
        "name": "resnet",
        "flag": "True",
    }


def test_log_params_stores_all_params(experiment_id, client):
    params = {f"p{i}": f"v{i}" for i in range(20)}
    with mlflow.start_run() as run:
        mlflow.log_params(params)
    assert client.get_run(run.info.run_id).data.params == params


def test_logging_the_same_param_value_again_is_accepted(run_id, client):
    client.log_param(run_id, "alpha", "0.5")
    client.log_param(run_id, "alpha", "0.5")
    client.log_batch(run_id, params=[mlflow.entities.Param("alpha", "0.5")])
    assert client.get_run(run_id).data.params == {"alpha": "0.5"}


def test_changing_a_param_value_is_rejected(run_id, client):
    client.log_param(run_id, "alpha", "0.5")
    with pytest.raises(MlflowException) as exc:
        client.log_param(run_id, "alpha", "0.7")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert exc.value.get_http_status_code() == 400
    msg = exc.value.message
    assert "Changing param values is not allowed" in msg
    assert f"Param with key='alpha' was already logged with value='0.5' for run ID='{run_id}'" in msg
    assert "Attempted logging new value '0.7'" in msg
    assert client.get_run(run_id).data.params == {"alpha": "0.5"}


def test_changing_a_param_value_through_log_params_is_rejected(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_params({"p1": "1", "p2": "2"})
        with pytest.raises(MlflowException) as exc:
            mlflow.log_params({"p1": "changed"})
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Changing param values is not allowed" in exc.value.message
    assert "'key': 'p1', 'old_value': '1', 'new_value': 'changed'" in exc.value.message
    assert client.get_run(run.info.run_id).data.params == {"p1": "1", "p2": "2"}


def test_param_value_longer_than_6000_chars_is_truncated_to_6000(run_id, client):
    value = "".join(chr(ord("a") + i % 26) for i in range(7000))
    client.log_param(run_id, "long", value)
    stored = client.get_run(run_id).data.params["long"]
    assert len(stored) == 6000
    assert stored == value[:6000]


def test_param_value_of_exactly_6000_chars_is_kept(run_id, client):
    client.log_param(run_id, "edge", "x" * 6000)
    assert client.get_run(run_id).data.params["edge"] == "x" * 6000


def test_empty_param_value_is_allowed(run_id, client):
    client.log_param(run_id, "empty", "")
    assert client.get_run(run_id).data.params == {"empty": ""}


def test_param_keys_may_use_slashes_dots_dashes_spaces_and_colons(run_id, client):
    keys = ["a/b", "a.b", "a-b", "a b", "a:b", "a_b", "ünï"]
    for k in keys:
        client.log_param(run_id, k, "1")
    assert set(client.get_run(run_id).data.params) == set(keys)


@pytest.mark.parametrize("key", ["a@b", "../x", "/abs", "a//b", "x" * 251])
def test_invalid_param_key_is_rejected(run_id, client, key):
    with pytest.raises(MlflowException) as exc:
        client.log_param(run_id, key, "v")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_run(run_id).data.params == {}


# --- tags -------------------------------------------------------------------------


def test_set_tag_and_set_tags(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.set_tag("t1", "v1")
        mlflow.set_tags({"t2": "v2", "t3": 3})
    tags = client.get_run(run.info.run_id).data.tags
    assert tags["t1"] == "v1"
    assert tags["t2"] == "v2"
    assert tags["t3"] == "3"


def test_set_tag_overwrites_the_previous_value(run_id, client):
    client.set_tag(run_id, "stage", "dev")
    client.set_tag(run_id, "stage", "prod")
    assert client.get_run(run_id).data.tags["stage"] == "prod"
    client.log_batch(run_id, tags=[mlflow.entities.RunTag("stage", "final")])
    assert client.get_run(run_id).data.tags["stage"] == "final"


def test_delete_tag_removes_it(run_id, client):
    client.set_tag(run_id, "keep", "1")
    client.set_tag(run_id, "drop", "2")
    client.delete_tag(run_id, "drop")
    tags = client.get_run(run_id).data.tags
    assert tags["keep"] == "1"
    assert "drop" not in tags


def test_deleting_a_missing_tag_raises_resource_does_not_exist(run_id, client):
    with pytest.raises(MlflowException) as exc:
        client.delete_tag(run_id, "never-set")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert exc.value.get_http_status_code() == 404
    assert f"No tag with name: never-set in run with id {run_id}" in exc.value.message


def test_tag_value_longer_than_8000_chars_is_truncated_to_8000(run_id, client):
    value = "".join(chr(ord("A") + i % 26) for i in range(9000))
    client.set_tag(run_id, "long", value)
    stored = client.get_run(run_id).data.tags["long"]
    assert len(stored) == 8000
    assert stored == value[:8000]


def test_setting_the_run_name_tag_renames_the_run(run_id, client):
    client.set_tag(run_id, "mlflow.runName", "via-tag")
    fetched = client.get_run(run_id)
    assert fetched.info.run_name == "via-tag"
    assert fetched.data.tags["mlflow.runName"] == "via-tag"


def test_setting_the_run_name_tag_in_a_batch_renames_the_run(run_id, client):
    client.log_batch(run_id, tags=[mlflow.entities.RunTag("mlflow.runName", "via-batch")])
    assert client.get_run(run_id).info.run_name == "via-batch"


@pytest.mark.parametrize("key", ["a@b", "../x", "/abs", "x" * 251])
def test_invalid_tag_key_is_rejected(run_id, client, key):
    with pytest.raises(MlflowException) as exc:
        client.set_tag(run_id, key, "v")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert key not in client.get_run(run_id).data.tags
