"""Wire-level behaviour (raw HTTP with requests): error shapes, routing, decoding, encoding."""

from __future__ import annotations

import json
import math
import re

import pytest
from mlflow.exceptions import MlflowException
from mlflow.utils.rest_utils import MlflowHostCreds, http_request, verify_rest_response

from conftest import TARGET, unique_name

UNKNOWN_RUN = "0123456789abcdef0123456789abcdef"
DOUBLE_MAX = 1.7976931348623157e308


def assert_error(resp, status, code, phrase=None):
    assert resp.status_code == status, f"{resp.status_code}: {resp.text[:500]}"
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert isinstance(body, dict)
    assert body["error_code"] == code
    assert isinstance(body["message"], str) and body["message"]
    if phrase is not None:
        assert phrase in body["message"]
    return body


# --- plain endpoints -----------------------------------------------------------------


def test_health_answers_ok(api):
    resp = api.get("/health")
    assert resp.status_code == 200
    assert resp.text.strip() == "OK"


def test_version_answers_a_version_string(api):
    resp = api.get("/version")
    assert resp.status_code == 200
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?\S*", resp.text.strip()), resp.text


def test_server_info_answers_a_json_object(api):
    resp = api.get("/api/3.0/mlflow/server-info")
    assert resp.status_code == 200
    info = resp.json()
    assert isinstance(info, dict)
    assert info["store_type"] == "SqlStore"
    # Stride always serves projects (MLflow 3's workspaces); `mlflow server` only with --enable-workspaces.
    assert info.get("workspaces_enabled", False) is (TARGET == "stride")


# --- routing ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"])
def test_both_api_and_ajax_api_prefixes_answer(api, prefix):
    resp = api.get(f"{prefix}/experiments/get", params={"experiment_id": "0"})
    assert resp.status_code == 200
    assert resp.json()["experiment"]["name"] == "Default"
    resp = api.post(f"{prefix}/experiments/search", json={"max_results": 5})
    assert resp.status_code == 200
    assert "experiments" in resp.json()


def test_ajax_api_prefix_writes_too(api, client):
    name = unique_name("ajax")
    resp = api.post("/ajax-api/2.0/mlflow/experiments/create", json={"name": name})
    assert resp.status_code == 200
    assert client.get_experiment(resp.json()["experiment_id"]).name == name


def test_unknown_route_is_404_and_the_client_sees_endpoint_not_found(api, tracking_uri):
    # Real MLflow (Flask) answers an HTML 404; a JSON body, if any, must say ENDPOINT_NOT_FOUND.
    resp = api.get("/api/2.0/mlflow/no-such-endpoint")
    assert resp.status_code == 404
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        body = resp.json()
        assert body["error_code"] == "ENDPOINT_NOT_FOUND"
        assert isinstance(body["message"], str)
    resp = http_request(MlflowHostCreds(tracking_uri), "/api/2.0/mlflow/no-such-endpoint", "POST", json={})
    with pytest.raises(MlflowException) as exc:
        verify_rest_response(resp, "/api/2.0/mlflow/no-such-endpoint")
    assert exc.value.error_code == "ENDPOINT_NOT_FOUND"


def test_wrong_method_on_a_known_route_is_405(api):
    assert api.request("PUT", "/api/2.0/mlflow/runs/get", params={"run_id": UNKNOWN_RUN}).status_code == 405
    assert api.post("/ajax-api/2.0/mlflow/experiments/get", json={"experiment_id": "0"}).status_code == 405


def test_experiments_search_is_served_for_get_and_post(api):
    assert api.get("/api/2.0/mlflow/experiments/search", params={"max_results": 1}).status_code == 200
    assert api.post("/api/2.0/mlflow/experiments/search", json={"max_results": 1}).status_code == 200


# --- request decoding ------------------------------------------------------------------


def test_unknown_run_id_is_404_resource_does_not_exist(api):
    resp = api.get("/api/2.0/mlflow/runs/get", params={"run_id": UNKNOWN_RUN})
    body = assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST", f"Run with id={UNKNOWN_RUN} not found")
    assert set(body) >= {"error_code", "message"}


def test_unknown_experiment_name_is_404_resource_does_not_exist(api):
    name = unique_name("nope")
    resp = api.get("/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name})
    assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST", f"Could not find experiment with name '{name}'")


def test_missing_required_field_is_400_with_the_field_name(api):
    resp = api.post("/api/2.0/mlflow/experiments/create", json={})
    assert_error(
        resp,
        400,
        "INVALID_PARAMETER_VALUE",
        "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    )
    resp = api.get("/api/2.0/mlflow/runs/get")
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'")


def test_missing_metric_value_is_400(run_id, api):
    resp = api.post("/api/2.0/mlflow/runs/log-metric", json={"run_id": run_id, "key": "m", "timestamp": 1})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'value'")


def test_empty_string_counts_as_missing(api):
    resp = api.post("/api/2.0/mlflow/experiments/create", json={"name": ""})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'")


def test_run_uuid_is_accepted_in_place_of_run_id(run_id, api, client):
    resp = api.post(
        "/api/2.0/mlflow/runs/log-metric", json={"run_uuid": run_id, "key": "m", "value": 1.5, "timestamp": 5}
    )
    assert resp.status_code == 200, resp.text
    assert client.get_run(run_id).data.metrics == {"m": 1.5}
    resp = api.get("/api/2.0/mlflow/runs/get", params={"run_uuid": run_id})
    assert resp.status_code == 200
    assert resp.json()["run"]["info"]["run_id"] == run_id


@pytest.mark.parametrize(
    "path", ["/api/2.0/mlflow/experiments/create", "/api/2.0/mlflow/runs/log-metric", "/api/2.0/mlflow/runs/set-tag"]
)
def test_malformed_json_body_is_400_invalid_parameter_value(api, path):
    # MLflow reads an unparsable body as {} and then reports the first missing
    # required field ("Missing value for required parameter 'name'"). The message
    # is not asserted: a server may name the JSON error instead. (MLflow itself
    # answers 500 HTML for a malformed runs/log-batch body: a bug, not copied here.)
    resp = api.post(path, data="{not json", headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_wrong_content_type_on_post_is_400(run_id, api, client):
    body = json.dumps({"run_id": run_id, "key": "m", "value": 1, "timestamp": 1})
    resp = api.post("/api/2.0/mlflow/runs/log-metric", data=body, headers={"Content-Type": "text/plain"})
    assert_error(
        resp, 400, "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of ['application/json']."
    )
    assert client.get_run(run_id).data.metrics == {}


@pytest.mark.parametrize("content_type", ["Application/JSON", "application/jsonp", "application/json ; charset=utf-8"])
def test_content_type_is_compared_exactly_before_the_first_semicolon(run_id, api, client, content_type):
    # MLflow's _validate_content_type keeps what precedes the first ";" and compares it with
    # "application/json" as is: no case folding, no trimming.
    body = json.dumps({"run_id": run_id, "key": "m", "value": 1, "timestamp": 1})
    resp = api.post("/api/2.0/mlflow/runs/log-metric", data=body, headers={"Content-Type": content_type})
    assert_error(
        resp, 400, "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of ['application/json']."
    )
    assert client.get_run(run_id).data.metrics == {}


def test_missing_content_type_on_post_is_400(run_id, api):
    body = json.dumps({"run_id": run_id, "key": "m", "value": 1, "timestamp": 1}).encode()
    resp = api.post("/api/2.0/mlflow/runs/log-metric", data=body)
    assert "Content-Type" not in resp.request.headers
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type header is missing.")


def test_content_type_with_charset_is_accepted(run_id, api, client):
    body = json.dumps({"run_id": run_id, "key": "m", "value": 2, "timestamp": 1})
    resp = api.post(
        "/api/2.0/mlflow/runs/log-metric", data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert resp.status_code == 200, resp.text
    assert client.get_run(run_id).data.metrics == {"m": 2.0}


def test_unknown_request_fields_are_ignored(run_id, api, client):
    resp = api.post(
        "/api/2.0/mlflow/runs/log-metric",
        json={"run_id": run_id, "key": "m", "value": 3, "timestamp": 1, "no_such_field": {"a": [1]}},
    )
    assert resp.status_code == 200, resp.text
    assert client.get_run(run_id).data.metrics == {"m": 3.0}


def test_int64_and_double_fields_are_accepted_as_strings(run_id, api, client):
    resp = api.post(
        "/api/2.0/mlflow/runs/log-metric",
        json={"run_id": run_id, "key": "s", "value": "2.5", "timestamp": "12", "step": "3"},
    )
    assert resp.status_code == 200, resp.text
    (m,) = client.get_metric_history(run_id, "s")
    assert (m.value, m.timestamp, m.step) == (2.5, 12, 3)


def test_special_float_strings_are_accepted_in_requests(run_id, api, client):
    for key, value in [("nan", "NaN"), ("pinf", "Infinity"), ("ninf", "-Infinity")]:
        resp = api.post(
            "/api/2.0/mlflow/runs/log-metric", json={"run_id": run_id, "key": key, "value": value, "timestamp": 1}
        )
        assert resp.status_code == 200, resp.text
    metrics = client.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert metrics["pinf"] in (math.inf, DOUBLE_MAX)
    assert metrics["ninf"] in (-math.inf, -DOUBLE_MAX)


def test_non_numeric_metric_value_is_400(run_id, api):
    resp = api.post("/api/2.0/mlflow/runs/log-metric", json={"run_id": run_id, "key": "m", "value": "abc", "timestamp": 1})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", 'Invalid value "abc" for parameter \'value\' supplied')


def test_negative_metric_timestamp_is_400(run_id, api):
    resp = api.post("/api/2.0/mlflow/runs/log-metric", json={"run_id": run_id, "key": "m", "value": 1, "timestamp": -1})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Timestamp must be a nonnegative long (64-bit integer)")


def test_get_with_query_params_and_repeated_keys(api, client):
    prefix = unique_name("qs")
    for s in "cab":
        client.create_experiment(f"{prefix}-{s}")
    params = [
        ("max_results", "2"),
        ("filter", f"name LIKE '{prefix}%'"),
        ("order_by", "name DESC"),
        ("order_by", "experiment_id ASC"),
        ("view_type", "ALL"),
        ("ignored_unknown_arg", "True"),
    ]
    resp = api.get("/api/2.0/mlflow/experiments/search", params=params)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert [e["name"] for e in body["experiments"]] == [f"{prefix}-c", f"{prefix}-b"]
    assert body["next_page_token"]
    resp = api.get(
        "/api/2.0/mlflow/experiments/search", params=params + [("page_token", body["next_page_token"])]
    )
    assert resp.status_code == 200
    assert [e["name"] for e in resp.json()["experiments"]] == [f"{prefix}-a"]
    assert "next_page_token" not in resp.json()


def test_search_experiments_without_max_results_is_400(api):
    resp = api.post("/api/2.0/mlflow/experiments/search", json={})
    assert_error(
        resp, 400, "INVALID_PARAMETER_VALUE", "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer"
    )


def test_bad_page_token_is_400(api):
    resp = api.post("/api/2.0/mlflow/experiments/search", json={"max_results": 2, "page_token": "not-a-token"})
    assert_error(resp, 400, "INVALID_PARAMETER_VALUE", "Invalid page token")


# --- response encoding -----------------------------------------------------------------


def test_int64_fields_are_json_numbers_and_ids_are_strings(run_id, api, client):
    client.log_metric(run_id, "m", 1.0, timestamp=1700000000123, step=4)
    run = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]
    info = run["info"]
    assert isinstance(info["start_time"], int)
    assert isinstance(info["experiment_id"], str)
    assert info["run_id"] == info["run_uuid"] == run_id
    assert info["status"] == "RUNNING"
    assert info["lifecycle_stage"] == "active"
    assert "end_time" not in info
    metric = run["data"]["metrics"][0]
    assert metric == {"key": "m", "value": 1.0, "timestamp": 1700000000123, "step": 4}
    assert type(metric["timestamp"]) is int and type(metric["step"]) is int
    exp = api.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": info["experiment_id"]}).json()
    assert isinstance(exp["experiment"]["creation_time"], int)
    assert isinstance(exp["experiment"]["last_update_time"], int)
    hist = api.get("/api/2.0/mlflow/metrics/get-history", params={"run_id": run_id, "metric_key": "m"}).json()
    assert hist["metrics"] == [{"key": "m", "value": 1.0, "timestamp": 1700000000123, "step": 4}]


def test_step_zero_is_present_in_responses(run_id, api, client):
    client.log_metric(run_id, "z", 0.0, timestamp=10, step=0)
    metric = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]["data"]["metrics"][0]
    assert metric == {"key": "z", "value": 0.0, "timestamp": 10, "step": 0}


def test_nan_metric_is_the_string_NaN_on_the_wire(run_id, api, client):
    client.log_metric(run_id, "n", float("nan"), timestamp=10, step=0)
    metric = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]["data"]["metrics"][0]
    assert metric["value"] == "NaN"


def test_infinite_metric_is_clamped_number_or_Infinity_string_on_the_wire(run_id, api, client):
    client.log_metric(run_id, "i", float("inf"), timestamp=10, step=0)
    metric = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]["data"]["metrics"][0]
    assert metric["value"] in (DOUBLE_MAX, "Infinity")


def test_create_run_response_has_run_info_data_and_inputs(experiment_id, api):
    resp = api.post("/api/2.0/mlflow/runs/create", json={"experiment_id": experiment_id, "start_time": 1000, "run_name": "wire"})
    assert resp.status_code == 200
    run = resp.json()["run"]
    assert run["info"]["run_name"] == "wire"
    assert run["info"]["start_time"] == 1000
    assert run["info"]["artifact_uri"] == f"mlflow-artifacts:/{experiment_id}/{run['info']['run_id']}/artifacts"
    assert {"key": "mlflow.runName", "value": "wire"} in run["data"]["tags"]
    assert run["inputs"] == {}


def test_update_run_returns_run_info(run_id, api):
    resp = api.post("/api/2.0/mlflow/runs/update", json={"run_id": run_id, "status": "KILLED", "end_time": 5})
    assert resp.status_code == 200
    info = resp.json()["run_info"]
    assert info["status"] == "KILLED"
    assert info["end_time"] == 5
    assert info["run_id"] == run_id


def test_write_endpoints_answer_an_empty_json_object(run_id, api):
    for path, body in [
        ("/api/2.0/mlflow/runs/log-metric", {"run_id": run_id, "key": "m", "value": 1, "timestamp": 1}),
        ("/api/2.0/mlflow/runs/log-parameter", {"run_id": run_id, "key": "p", "value": "v"}),
        ("/api/2.0/mlflow/runs/set-tag", {"run_id": run_id, "key": "t", "value": "v"}),
        ("/api/2.0/mlflow/runs/delete-tag", {"run_id": run_id, "key": "t"}),
        ("/api/2.0/mlflow/runs/log-batch", {"run_id": run_id}),
    ]:
        resp = api.post(path, json=body)
        assert resp.status_code == 200, (path, resp.text)
        assert resp.json() == {}, path


def test_experiment_json_shape(api, client):
    name = unique_name("shape")
    exp_id = client.create_experiment(name, tags={"k": "v"})
    exp = api.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": exp_id}).json()["experiment"]
    assert exp["experiment_id"] == exp_id
    assert exp["name"] == name
    assert exp["artifact_location"] == f"mlflow-artifacts:/{exp_id}"
    assert exp["lifecycle_stage"] == "active"
    assert exp["tags"] == [{"key": "k", "value": "v"}]
    by_name = api.get("/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name}).json()
    assert by_name["experiment"]["experiment_id"] == exp_id


# --- metric history endpoints ------------------------------------------------------------


def test_get_history_pages_with_max_results_and_an_opaque_token(run_id, api, client):
    for i in range(5):
        client.log_metric(run_id, "h", float(i), timestamp=100 + i, step=i)
    first = api.get("/api/2.0/mlflow/metrics/get-history", params={"run_id": run_id, "metric_key": "h", "max_results": 3}).json()
    assert [m["step"] for m in first["metrics"]] == [0, 1, 2]
    assert first["next_page_token"]
    second = api.get(
        "/api/2.0/mlflow/metrics/get-history",
        params={"run_id": run_id, "metric_key": "h", "max_results": 3, "page_token": first["next_page_token"]},
    ).json()
    assert [m["step"] for m in second["metrics"]] == [3, 4]
    assert "next_page_token" not in second


def test_get_history_of_unknown_key_is_an_empty_object(run_id, api):
    resp = api.get("/api/2.0/mlflow/metrics/get-history", params={"run_id": run_id, "metric_key": "none"})
    assert resp.status_code == 200
    assert resp.json() == {}


@pytest.mark.parametrize("prefix", ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"])
def test_get_history_bulk_interval_samples_keeping_first_and_last(run_id, api, client, prefix):
    n = 50
    for i in range(n):
        client.log_metric(run_id, "s", float(i), timestamp=1000 + i, step=i)
    resp = api.get(
        f"{prefix}/metrics/get-history-bulk-interval",
        params=[("run_ids", run_id), ("metric_key", "s"), ("max_results", "10")],
    )
    assert resp.status_code == 200, resp.text
    points = resp.json()["metrics"]
    steps = [p["step"] for p in points]
    assert steps[0] == 0 and steps[-1] == n - 1
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert 2 <= len(points) <= 11
    for p in points:
        assert p["run_id"] == run_id
        assert p["key"] == "s"
        assert p["value"] == float(p["step"])
        assert p["timestamp"] == 1000 + p["step"]


def test_get_history_bulk_interval_returns_all_points_when_under_the_limit(run_id, api, client):
    for i in range(20):
        client.log_metric(run_id, "s", float(i), timestamp=1000 + i, step=i)
    resp = api.get(
        "/api/2.0/mlflow/metrics/get-history-bulk-interval", params=[("run_ids", run_id), ("metric_key", "s")]
    )
    assert resp.status_code == 200
    assert [p["step"] for p in resp.json()["metrics"]] == list(range(20))


def test_get_history_bulk_interval_with_repeated_run_ids(experiment_id, api, client):
    runs = [client.create_run(experiment_id).info.run_id for _ in range(2)]
    for r, run in enumerate(runs):
        for i in range(5):
            client.log_metric(run, "s", float(10 * r + i), timestamp=1000 + i, step=i)
    resp = api.get(
        "/api/2.0/mlflow/metrics/get-history-bulk-interval",
        params=[("run_ids", runs[0]), ("run_ids", runs[1]), ("metric_key", "s"), ("max_results", "100")],
    )
    assert resp.status_code == 200, resp.text
    by_run = {}
    for p in resp.json()["metrics"]:
        by_run.setdefault(p["run_id"], []).append(p["value"])
    assert by_run == {runs[0]: [0.0, 1.0, 2.0, 3.0, 4.0], runs[1]: [10.0, 11.0, 12.0, 13.0, 14.0]}


def test_get_history_bulk_interval_validates_its_arguments(run_id, api):
    path = "/api/2.0/mlflow/metrics/get-history-bulk-interval"
    assert_error(
        api.get(path, params={"metric_key": "s"}), 400, "INVALID_PARAMETER_VALUE",
        "Missing value for required parameter 'run_ids'",
    )
    assert_error(
        api.get(path, params={"run_ids": run_id, "metric_key": "s", "max_results": 2501}), 400,
        "INVALID_PARAMETER_VALUE", "max_results must be between 1 and 2500",
    )
