"""Corner cases MLflow's own REST tests check (tests/tracking/test_rest_tracking.py and friends), kept here
so CI holds Stride to them: request-schema types, validation before lookup, MLflow's wording, registry
sources and ordering, relative artifact locations and MIME types."""

from __future__ import annotations

import time

import mlflow
import pytest

from conftest import unique_name

SCHEMA_HINT = "See the API docs for more information about request parameters."


def _bad_request(resp, message_part: str) -> None:
    assert resp.status_code == 400, resp.text
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert message_part in resp.json()["message"]


# --- request schemas: a value of the wrong JSON type is a 400 naming the field ---------------------


def test_a_number_where_a_string_is_wanted_is_400_naming_the_field(api):
    _bad_request(api.post("/api/2.0/mlflow/experiments/create", json={"name": 123}), "Invalid value 123 for parameter 'name'")
    _bad_request(
        api.post("/api/2.0/mlflow/experiments/create", json={"name": unique_name(), "artifact_location": 9.0}),
        "Invalid value 9.0 for parameter 'artifact_location'",
    )
    _bad_request(
        api.post("/api/2.0/mlflow/experiments/create", json={"name": unique_name(), "tags": "5"}),
        "Invalid value \"5\" for parameter 'tags'",
    )


def test_a_string_where_a_list_is_wanted_is_400_naming_the_field(api):
    resp = api.post("/api/2.0/mlflow/runs/search", json={"experiment_ids": "notalist"})
    _bad_request(resp, "Invalid value \"notalist\" for parameter 'experiment_ids' supplied.")
    assert SCHEMA_HINT in resp.json()["message"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("log-metric", {"run_id": 31, "key": "m", "value": 1, "timestamp": 1}, "Invalid value 31 for parameter 'run_id' supplied"),
        ("log-parameter", {"run_id": "0" * 32, "key": 31, "value": 41}, "Invalid value 31 for parameter 'key' supplied"),
        ("set-tag", {"run_id": "0" * 32, "key": "k", "value": 41}, "Invalid value 41 for parameter 'value' supplied"),
        ("log-metric", {"run_id": "0" * 32, "key": "m", "value": 1, "timestamp": "foo"}, "Invalid value \"foo\" for parameter 'timestamp'"),
        ("log-parameter", {"run_id": "0" * 32, "key": "a@b", "value": "v"}, "Invalid value \"a@b\" for parameter 'key'"),
    ],
)
def test_a_bad_field_on_an_unknown_run_is_400_not_404(api, path, body, message):
    _bad_request(api.post(f"/api/2.0/mlflow/runs/{path}", json=body), message)


# --- MLflow's wording where clients and its tests compare messages ---------------------------------


def test_unsafe_artifact_paths_are_refused_with_exactly_invalid_path(api, run_id):
    for path, params in [
        ("/api/2.0/mlflow/artifacts/list", {"run_id": run_id, "path": "../path"}),
        ("/get-artifact", {"run_id": run_id, "path": "../path"}),
        ("/model-versions/get-artifact", {"name": "model", "version": 1, "path": "../path"}),
    ]:
        resp = api.get(path, params=params)
        assert resp.status_code == 400
        assert resp.json() == {"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid path"}


def test_bulk_history_requests_are_refused_in_mlflows_words(api):
    url = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
    _bad_request(api.get(url, params={"metric_key": "k"}), "GetMetricHistoryBulk request must specify at least one run_id.")
    _bad_request(
        api.get(url, params={"run_id": [f"id_{i}" for i in range(101)], "metric_key": "k"}),
        "GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.",
    )
    _bad_request(api.get(url, params={"run_id": ["123"]}), "GetMetricHistoryBulk request must specify a metric_key.")


# --- registry --------------------------------------------------------------------------------------


def _create_version(api, **body):
    return api.post("/api/2.0/mlflow/model-versions/create", json=body)


def test_a_runs_source_need_not_name_the_versions_run_but_may_not_climb(api, client, run_id):
    name = unique_name("src")
    client.create_registered_model(name)
    other = "f" * 32
    assert _create_version(api, name=name, source=f"runs:/{other}/model", run_id=run_id).status_code == 200
    assert _create_version(api, name=name, source="runs:/run_id/model").status_code == 200
    for source in ["runs:/x/../../model", "mlflow-artifacts://host:9000/models/..%2f..%2fartifacts", "http://host/a/../../"]:
        _bad_request(_create_version(api, name=name, source=source, run_id=run_id), "If supplying a source as an http, https,")


def test_a_local_source_must_lie_in_a_local_run_directory(api, client, run_id):
    name = unique_name("local")
    client.create_registered_model(name)
    _bad_request(_create_version(api, name=name, source="/tmp/model", run_id=run_id), "To use a local path as a model version source")
    _bad_request(_create_version(api, name=name, source="file:///tmp/model"), "To use a local path as a model version source")


def test_registering_a_logged_model_records_its_run_and_tags_the_model(api, client, experiment_id, run_id):
    name = unique_name("lm")
    client.create_registered_model(name)
    model = client.create_logged_model(experiment_id, source_run_id=run_id)
    first = client.create_model_version(name, model.artifact_location, model_id=model.model_id)
    assert first.run_id == run_id
    assert client.get_logged_model(model.model_id).tags["mlflow.modelVersions"] == f'[{{"name": "{name}", "version": 1}}]'
    second = client.create_model_version(name, f"models:/{model.model_id}")
    assert second.run_id == run_id
    client.create_model_version(name, model.artifact_location, model_id=model.model_id)
    assert (
        client.get_logged_model(model.model_id).tags["mlflow.modelVersions"]
        == f'[{{"name": "{name}", "version": 1}}, {{"name": "{name}", "version": 3}}]'
    )


def test_model_version_search_defaults_to_newest_change_first(client):
    prefix = unique_name("order")
    names = [f"{prefix}-{i}" for i in range(3)]
    for name in names:
        client.create_registered_model(name)
    for name in names + names[:1]:
        time.sleep(0.002)
        client.create_model_version(name, "runs:/run_id/model", "run_id")
    found = client.search_model_versions(f"name LIKE '{prefix}-%'")
    assert [(v.name, v.version) for v in found] == [(names[0], "2"), (names[2], "1"), (names[1], "1"), (names[0], "1")]
    paged = client.search_model_versions(f"name LIKE '{prefix}-%'", max_results=3)
    assert [(v.name, v.version) for v in paged] == [(names[0], "2"), (names[2], "1"), (names[1], "1")]


# --- experiments and artifacts ---------------------------------------------------------------------


def test_a_relative_artifact_location_is_resolved_against_the_servers_working_directory(client, server):
    experiment_id = client.create_experiment(unique_name(), artifact_location="my_location")
    assert client.get_experiment(experiment_id).artifact_location == str(server.data_dir / "my_location")
    absolute = client.create_experiment(unique_name(), artifact_location="s3://bucket/path")
    assert client.get_experiment(absolute).artifact_location == "s3://bucket/path"


@pytest.mark.parametrize(
    ("filename", "mime_type"),
    [("mlproject", "text/plain"), ("MLmodel", "text/plain"), ("MLproject", "application/octet-stream"), ("c.png", "image/png")],
)
def test_artifacts_are_served_with_mlflows_mime_types(api, client, run_id, tmp_path, filename, mime_type):
    local = tmp_path / filename
    local.write_text("x")
    client.log_artifact(run_id, str(local))
    resp = api.get("/get-artifact", params={"run_id": run_id, "path": filename})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == mime_type


# --- metric history and the UI's artifact helpers --------------------------------------------------


def test_bulk_interval_returns_mlflows_ntile_sample(api, client, experiment_id):
    # MLflow 3.13+: the ordered points dealt into max_results NTILE buckets (the first n % k buckets one
    # point larger), each bucket's first point kept, the last point replacing the last sample.
    runs = {}
    for count in (10, 13, 20):
        run_id = client.create_run(experiment_id).info.run_id
        client.log_batch(run_id, metrics=[mlflow.entities.Metric("m", float(step), 1, step) for step in range(count)])
        runs[count] = run_id
    url = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"

    def steps(run_ids, max_results):
        answer = api.get(url, params={"run_ids": run_ids, "metric_key": "m", "max_results": max_results}).json()["metrics"]
        return {run_id: [m["step"] for m in answer if m["run_id"] == run_id] for run_id in run_ids}

    assert steps([runs[10]], 5) == {runs[10]: [0, 2, 4, 6, 9]}
    assert steps([runs[13]], 5) == {runs[13]: [0, 3, 6, 9, 12]}
    assert steps([runs[10], runs[20]], 5) == {runs[10]: [0, 2, 4, 6, 9], runs[20]: [0, 4, 8, 12, 19]}
    assert steps([runs[13]], 13) == {runs[13]: list(range(13))}
    assert steps([runs[13]], 1) == {runs[13]: [12]}


def test_bulk_history_answers_runs_in_the_order_of_their_sorted_ids(api, client, experiment_id):
    run_ids = [client.create_run(experiment_id).info.run_id for _ in range(3)]
    for index, run_id in enumerate(run_ids):
        client.log_batch(run_id, metrics=[mlflow.entities.Metric("m", float(index), 1, step) for step in range(2)])
    answer = api.get(
        "/ajax-api/2.0/mlflow/metrics/get-history-bulk", params={"run_id": sorted(run_ids, reverse=True), "metric_key": "m"}
    ).json()["metrics"]
    assert [(m["run_id"], m["step"]) for m in answer] == [(run_id, step) for run_id in sorted(run_ids) for step in range(2)]


def test_bulk_interval_samples_points_not_steps(api, client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    client.log_batch(run_id, metrics=[mlflow.entities.Metric("m", float(i), 1000 + i, 0) for i in range(7)])
    answer = api.get(
        "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
        params={"run_ids": [run_id], "metric_key": "m", "max_results": 3},
    ).json()["metrics"]
    assert [m["timestamp"] for m in answer] == [1000, 1003, 1006]


def test_the_ui_uploads_a_run_file_with_mlflows_checks(api, run_id):
    url = "/ajax-api/2.0/mlflow/upload-artifact"
    _bad_request(api.post(url, params={}), "Request must specify run_uuid.")
    _bad_request(api.post(url, params={"run_uuid": run_id, "path": ""}), "Request must specify path.")
    _bad_request(api.post(url, params={"run_uuid": run_id, "path": "../x.txt"}), "Invalid path")
    _bad_request(api.post(url, params={"run_uuid": run_id, "path": "x.txt"}), "Request must specify data.")
    assert api.post(url, params={"run_uuid": run_id, "path": "dir/x.txt"}, data="hello world").status_code == 200
    assert api.get("/get-artifact", params={"run_uuid": run_id, "path": "dir/x.txt"}).text == "hello world"


def test_a_logged_models_files_are_listed_and_downloaded(api, client, experiment_id):
    model = client.create_logged_model(experiment_id)
    client.log_model_artifacts(model.model_id, _model_dir())
    base = f"/ajax-api/2.0/mlflow/logged-models/{model.model_id}/artifacts"
    listing = api.get(f"{base}/directories").json()
    assert listing["root_uri"] == model.artifact_location
    assert sorted(f["path"] for f in listing["files"]) == ["MLmodel", "sub"]
    nested = api.get(f"{base}/directories", params={"artifact_directory_path": "sub"}).json()
    assert [f["path"] for f in nested["files"]] == ["sub/weights.bin"]
    resp = api.get(f"{base}/files", params={"artifact_file_path": "MLmodel"})
    assert resp.status_code == 200
    assert resp.text == "flavors: {}\n"
    assert resp.headers["Content-Type"] == "text/plain"
    missing = api.get(f"{base}/files")
    assert missing.status_code == 400
    assert missing.json()["error_code"] == "BAD_REQUEST"


def test_a_runs_logged_model_inputs_come_back_once_each_with_the_run(api, client, experiment_id):
    from mlflow.entities import Dataset, DatasetInput, InputTag, LoggedModelInput

    run_id = client.create_run(experiment_id).info.run_id
    first = client.create_logged_model(experiment_id)
    second = client.create_logged_model(experiment_id)
    dataset = Dataset(name="name1", digest="digest1", source_type="source_type1", source="source1")
    client.log_inputs(
        run_id,
        datasets=[DatasetInput(dataset=dataset, tags=[InputTag(key="mlflow.data.context", value="training")])],
        models=[LoggedModelInput(model_id=first.model_id)],
    )
    client.log_inputs(run_id, models=[LoggedModelInput(model_id=second.model_id), LoggedModelInput(model_id=first.model_id)])
    inputs = client.get_run(run_id).inputs
    assert sorted(m.model_id for m in inputs.model_inputs) == sorted([first.model_id, second.model_id])
    assert [d.dataset.name for d in inputs.dataset_inputs] == ["name1"]
    raw = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]["inputs"]
    assert sorted(raw["model_inputs"], key=lambda m: m["model_id"]) == sorted(
        [{"model_id": first.model_id}, {"model_id": second.model_id}], key=lambda m: m["model_id"])
    missing_id = api.post("/api/2.0/mlflow/runs/log-inputs", json={"run_id": run_id, "models": [{}]})
    assert missing_id.status_code == 400
    assert missing_id.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def _model_dir() -> str:
    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp())
    (root / "MLmodel").write_text("flavors: {}\n")
    (root / "sub").mkdir()
    (root / "sub" / "weights.bin").write_bytes(b"\0\1")
    return str(root)


def test_search_datasets_lists_each_dataset_by_context_and_checks_its_ids(api, client, experiment_id):
    from mlflow.entities import Dataset, DatasetInput, InputTag

    url = "/ajax-api/2.0/mlflow/experiments/search-datasets"
    _bad_request(api.post(url, json={}), "SearchDatasets request must specify at least one experiment_id.")
    _bad_request(api.post(url, json={"experiment_ids": [str(i) for i in range(21)]}), "cannot specify more than 20 experiment_ids")
    run_id = client.create_run(experiment_id).info.run_id
    dataset = Dataset(name="train-set", digest="d1", source_type="local", source="/data")
    client.log_inputs(run_id, [DatasetInput(dataset=dataset, tags=[InputTag(key="mlflow.data.context", value="training")])])
    answer = api.post(url, json={"experiment_ids": [experiment_id]})
    assert answer.status_code == 200
    assert answer.json()["dataset_summaries"] == [
        {"experiment_id": experiment_id, "name": "train-set", "digest": "d1", "context": "training"}
    ]
