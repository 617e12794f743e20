"""runs/log-batch: limits, client-side chunking, atomic rejection and key validation."""

from __future__ import annotations

import pytest
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

LOG_BATCH = "/api/2.0/mlflow/runs/log-batch"
TS = 1_700_000_000_000


def metric_dicts(n, key="m"):
    return [{"key": key, "value": float(i), "timestamp": TS + i, "step": i} for i in range(n)]


def param_dicts(n, prefix="p"):
    return [{"key": f"{prefix}{i}", "value": str(i)} for i in range(n)]


def tag_dicts(n, prefix="t"):
    return [{"key": f"{prefix}{i}", "value": str(i)} for i in range(n)]


def user_tags(run):
    return {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}


def assert_nothing_logged(client, run_id):
    run = client.get_run(run_id)
    assert run.data.metrics == {}
    assert run.data.params == {}
    assert user_tags(run) == {}
    assert client.get_metric_history(run_id, "m") == []


def assert_invalid(resp, *phrases):
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    for phrase in phrases:
        assert phrase in body["message"]


# --- at the limits ------------------------------------------------------------------


def test_batch_of_exactly_1000_metrics_succeeds(run_id, client):
    client.log_batch(run_id, metrics=[Metric("m", float(i), TS + i, i) for i in range(1000)])
    assert len(client.get_metric_history(run_id, "m")) == 1000
    assert client.get_run(run_id).data.metrics["m"] == 999.0


def test_raw_batch_of_exactly_1000_metrics_succeeds(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "metrics": metric_dicts(1000)})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {}
    assert len(client.get_metric_history(run_id, "m")) == 1000


def test_raw_batch_of_exactly_100_params_succeeds(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "params": param_dicts(100)})
    assert resp.status_code == 200, resp.text
    assert client.get_run(run_id).data.params == {f"p{i}": str(i) for i in range(100)}


def test_raw_batch_of_exactly_100_tags_succeeds(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "tags": tag_dicts(100)})
    assert resp.status_code == 200, resp.text
    assert user_tags(client.get_run(run_id)) == {f"t{i}": str(i) for i in range(100)}


def test_raw_batch_of_exactly_1000_entities_succeeds(run_id, client, api):
    payload = {"run_id": run_id, "metrics": metric_dicts(800), "params": param_dicts(100), "tags": tag_dicts(100)}
    resp = api.post(LOG_BATCH, json=payload)
    assert resp.status_code == 200, resp.text
    run = client.get_run(run_id)
    assert len(run.data.params) == 100
    assert len(user_tags(run)) == 100
    assert len(client.get_metric_history(run_id, "m")) == 800


def test_empty_batch_is_accepted(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {}
    client.log_batch(run_id)
    assert_nothing_logged(client, run_id)


def test_client_log_batch_chunks_2500_metrics_and_150_params(run_id, client):
    metrics = [Metric(f"k{i % 5}", float(i), TS + i, i) for i in range(2500)]
    params = [Param(f"p{i}", f"v{i}") for i in range(150)]
    tags = [RunTag(f"t{i}", f"v{i}") for i in range(5)]
    client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
    run = client.get_run(run_id)
    assert run.data.params == {f"p{i}": f"v{i}" for i in range(150)}
    assert user_tags(run) == {f"t{i}": f"v{i}" for i in range(5)}
    for k in range(5):
        hist = client.get_metric_history(run_id, f"k{k}")
        assert [m.step for m in hist] == list(range(k, 2500, 5))
    assert run.data.metrics == {f"k{k}": float(2495 + k) for k in range(5)}


def test_fluent_log_metrics_and_params_with_many_entries(experiment_id, client):
    import mlflow

    with mlflow.start_run() as run:
        mlflow.log_params({f"p{i}": i for i in range(250)})
        mlflow.log_metrics({f"m{i}": float(i) for i in range(1200)}, step=1)
        mlflow.set_tags({f"t{i}": i for i in range(120)})
    data = client.get_run(run.info.run_id).data
    assert data.params == {f"p{i}": str(i) for i in range(250)}
    assert data.metrics == {f"m{i}": float(i) for i in range(1200)}
    assert {k: v for k, v in data.tags.items() if k.startswith("t")} == {f"t{i}": str(i) for i in range(120)}


# --- over the limits: rejected whole ----------------------------------------------


def test_raw_batch_with_1001_metrics_is_rejected_and_nothing_is_written(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "metrics": metric_dicts(1001)})
    assert_invalid(
        resp,
        "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. "
        "Please split up metrics across multiple requests and try again.",
    )
    assert_nothing_logged(client, run_id)


def test_raw_batch_with_101_params_is_rejected_and_nothing_is_written(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "params": param_dicts(101), "metrics": metric_dicts(3)})
    assert_invalid(resp, "A batch logging request can contain at most 100 params. Got 101 params.")
    assert_nothing_logged(client, run_id)


def test_raw_batch_with_101_tags_is_rejected_and_nothing_is_written(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "tags": tag_dicts(101), "params": param_dicts(2)})
    assert_invalid(resp, "A batch logging request can contain at most 100 tags. Got 101 tags.")
    assert_nothing_logged(client, run_id)


def test_raw_batch_with_1001_entities_in_total_is_rejected_and_nothing_is_written(run_id, client, api):
    payload = {"run_id": run_id, "metrics": metric_dicts(801), "params": param_dicts(100), "tags": tag_dicts(100)}
    resp = api.post(LOG_BATCH, json=payload)
    assert_invalid(
        resp,
        "A batch logging request can contain at most 1000 metrics, params, and tags. "
        "Got 1001 metrics, params, and tags.",
    )
    assert_nothing_logged(client, run_id)


def test_duplicate_param_keys_in_one_batch_are_rejected(run_id, client, api):
    payload = {"run_id": run_id, "params": [{"key": "z", "value": "1"}, {"key": "z", "value": "2"}]}
    resp = api.post(LOG_BATCH, json=payload)
    assert_invalid(resp, "Duplicate parameter keys have been submitted: ['z'].")
    assert_nothing_logged(client, run_id)


def test_duplicate_param_keys_with_identical_values_are_also_rejected(run_id, client, api):
    payload = {"run_id": run_id, "params": [{"key": "z", "value": "1"}, {"key": "z", "value": "1"}]}
    assert_invalid(api.post(LOG_BATCH, json=payload), "Duplicate parameter keys have been submitted")
    assert_nothing_logged(client, run_id)


def test_batch_changing_an_existing_param_is_rejected_whole(run_id, client, api):
    client.log_param(run_id, "p1", "1")
    payload = {
        "run_id": run_id,
        "params": [{"key": "p1", "value": "changed"}, {"key": "p2", "value": "2"}],
        "metrics": metric_dicts(2),
        "tags": tag_dicts(1),
    }
    resp = api.post(LOG_BATCH, json=payload)
    assert_invalid(
        resp,
        "Changing param values is not allowed. Params were already logged=",
        "'key': 'p1', 'old_value': '1', 'new_value': 'changed'",
        f"for run ID='{run_id}'",
    )
    run = client.get_run(run_id)
    assert run.data.params == {"p1": "1"}
    assert run.data.metrics == {}
    assert user_tags(run) == {}


INVALID_KEYS = {
    "at-sign": ("a@b", "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), "
                "spaces ( ), colon(:) and slashes (/)."),
    "dotdot": ("../x", "Names may be treated as files in certain cases, and must not resolve to other names "
               "when treated as such. This name would resolve to '../x'"),
    "absolute": ("/abs", "This name would resolve to '/abs'"),
    "too-long": ("k" * 251, "exceeds the maximum length of 250 characters"),
}


@pytest.mark.parametrize("case", sorted(INVALID_KEYS))
@pytest.mark.parametrize("entity", ["metrics", "params", "tags"])
def test_invalid_key_names_in_a_batch_are_rejected(run_id, client, api, case, entity):
    key, phrase = INVALID_KEYS[case]
    entry = {"key": key, "value": 1.0, "timestamp": TS, "step": 0} if entity == "metrics" else {"key": key, "value": "v"}
    # a valid entry of every kind rides along: none of it may be written
    payload = {
        "run_id": run_id,
        "metrics": metric_dicts(1),
        "params": param_dicts(1),
        "tags": tag_dicts(1),
    }
    payload[entity] = payload[entity] + [entry]
    resp = api.post(LOG_BATCH, json=payload)
    assert_invalid(resp, phrase)
    assert_nothing_logged(client, run_id)


def test_invalid_key_message_names_the_offending_field(run_id, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "params": [{"key": "ok", "value": "1"}, {"key": "a@b", "value": "v"}]})
    assert_invalid(resp, "Invalid value \"a@b\" for parameter 'params[1].key' supplied")
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "tags": [{"key": "a@b", "value": "v"}]})
    assert_invalid(resp, "Invalid value \"a@b\" for parameter 'tags[0].key' supplied")
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "metrics": [{"key": "a@b", "value": 1, "timestamp": 1}]})
    assert_invalid(resp, "Invalid value \"a@b\" for parameter 'metrics[0].name' supplied")


def test_key_of_exactly_250_chars_is_accepted(run_id, client, api):
    key = "k" * 250
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "params": [{"key": key, "value": "v"}]})
    assert resp.status_code == 200, resp.text
    assert client.get_run(run_id).data.params == {key: "v"}


def test_metric_in_a_batch_without_timestamp_is_rejected(run_id, client, api):
    resp = api.post(LOG_BATCH, json={"run_id": run_id, "metrics": [{"key": "m", "value": 1.0}]})
    assert_invalid(resp, "Missing value for required parameter 'metrics[0].timestamp'")
    assert_nothing_logged(client, run_id)


def test_batch_to_unknown_run_is_resource_does_not_exist(api):
    resp = api.post(LOG_BATCH, json={"run_id": "0123456789abcdef0123456789abcdef", "params": param_dicts(1)})
    assert resp.status_code == 404
    assert resp.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_client_log_batch_error_surfaces_as_mlflow_exception(run_id, client):
    client.log_param(run_id, "p", "1")
    with pytest.raises(MlflowException) as exc:
        client.log_batch(run_id, params=[Param("p", "2")])
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Changing param values is not allowed" in exc.value.message
