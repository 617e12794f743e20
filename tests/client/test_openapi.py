"""The OpenAPI document at /api/openapi.json: served, valid OpenAPI 3.1, and true to real answers."""

from __future__ import annotations

import mlflow
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from conftest import TARGET, unique_name

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="Stride's own document")


@pytest.fixture(scope="module")
def document(tracking_uri: str) -> dict:
    import requests

    resp = requests.get(tracking_uri + "/api/openapi.json", timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json"
    return resp.json()


def answer_schema(document: dict, method: str, path: str, status: int) -> dict:
    """The documented JSON schema of one answer, with the components beside it for its $refs."""
    responses = document["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} does not document {status}: {sorted(responses)}"
    schema = dict(responses[str(status)]["content"]["application/json"]["schema"])
    schema["components"] = document["components"]
    return schema


def assert_conforms(document: dict, resp, method: str, path: str) -> dict:
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    errors = list(Draft202012Validator(answer_schema(document, method, path, resp.status_code)).iter_errors(body))
    assert errors == [], f"{method} {path} answered {resp.status_code} {body} against the document: {errors[0].message}"
    return body


def test_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["version"] == "3.17.2"


def test_document_lists_the_routes_the_client_calls(document):
    paths = document["paths"]
    for path, method in [
        ("/api/2.0/mlflow/runs/log-batch", "post"),
        ("/ajax-api/2.0/mlflow/runs/search", "post"),
        ("/api/2.0/mlflow/registered-models/update", "patch"),
        ("/api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}", "delete"),
        ("/api/2.0/mlflow-artifacts/artifacts/{artifact_path}", "put"),
        ("/api/3.0/mlflow/server-info", "get"),
        ("/api/3.0/mlflow/workspaces", "post"),
        ("/health", "get"),
        ("/api/openapi.json", "get"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} is not documented"
    log_batch = paths["/api/2.0/mlflow/runs/log-batch"]["post"]
    members = log_batch["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert sorted(members) == ["metrics", "params", "run_id", "run_uuid", "tags"]
    assert log_batch["x-stride-access"] == "writer"
    assert [server["url"] for server in paths["/api/2.0/mlflow/runs/log-batch"]["servers"]] == ["/", "/projects/{project}"]


def test_real_answers_validate_against_the_document(document, api, client):
    experiment_id = client.create_experiment(unique_name("openapi"))
    run = client.create_run(experiment_id, run_name="documented")
    run_id = run.info.run_id
    client.log_batch(run_id, metrics=[mlflow.entities.Metric("loss", 0.5, 1700000000000, 0)],
                     params=[mlflow.entities.Param("lr", "0.1")], tags=[mlflow.entities.RunTag("t", "v")])

    body = assert_conforms(document, api.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": experiment_id}),
                           "GET", "/api/2.0/mlflow/experiments/get")
    assert body["experiment"]["experiment_id"] == experiment_id

    body = assert_conforms(document, api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}),
                           "GET", "/api/2.0/mlflow/runs/get")
    assert body["run"]["data"]["params"] == [{"key": "lr", "value": "0.1"}]

    body = assert_conforms(document, api.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [experiment_id]}),
                           "POST", "/api/2.0/mlflow/runs/search")
    assert [found["info"]["run_id"] for found in body["runs"]] == [run_id]

    body = assert_conforms(document, api.get("/api/2.0/mlflow/metrics/get-history",
                                             params={"run_id": run_id, "metric_key": "loss"}),
                           "GET", "/api/2.0/mlflow/metrics/get-history")
    assert [point["step"] for point in body["metrics"]] == [0]

    name = unique_name("openapi-model")
    body = assert_conforms(document, api.post("/api/2.0/mlflow/registered-models/create", json={"name": name}),
                           "POST", "/api/2.0/mlflow/registered-models/create")
    assert body["registered_model"]["name"] == name

    body = assert_conforms(document, api.get("/api/3.0/mlflow/server-info"), "GET", "/api/3.0/mlflow/server-info")
    assert body["artifact_serving_enabled"] is True


def test_errors_validate_against_the_document(document, api):
    body = assert_conforms(document, api.get("/api/2.0/mlflow/runs/get", params={"run_id": "0" * 32}),
                           "GET", "/api/2.0/mlflow/runs/get")
    assert body["error_code"] == "RESOURCE_DOES_NOT_EXIST"

    body = assert_conforms(document, api.post("/api/2.0/mlflow/experiments/create", json={}),
                           "POST", "/api/2.0/mlflow/experiments/create")
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"


def test_health_and_version_say_text_plain(api):
    for path, text in [("/health", "OK"), ("/version", "3.17.2")]:
        resp = api.get(path)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert resp.text == text
