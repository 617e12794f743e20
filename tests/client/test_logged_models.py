"""MLflow 3 logged models: log_model, load_model, register_model and autolog, through the real client."""

from __future__ import annotations

import mlflow
import numpy as np
import pytest
import requests
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

from conftest import unique_name


def _data():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(40, 3))
    labels = (features[:, 0] + features[:, 1] > 0).astype(int)
    return features, labels


def _fitted():
    features, labels = _data()
    return LogisticRegression(max_iter=200).fit(features, labels), features


@pytest.fixture
def logged(client, experiment_id):
    """A tiny sklearn model logged in a run: (model_info, run_id, original model, features)."""
    model, features = _fitted()
    with mlflow.start_run(experiment_id=experiment_id) as run:
        info = mlflow.sklearn.log_model(model, name="model", params={"C": "1.0"})
    return info, run.info.run_id, model, features


def test_log_model_creates_a_ready_logged_model_linked_to_its_run(client, logged):
    info, run_id, _, _ = logged
    assert info.model_id.startswith("m-")
    model = client.get_logged_model(info.model_id)
    assert model.name == "model"
    assert model.source_run_id == run_id
    assert model.status.to_proto() == mlflow.entities.LoggedModelStatus.READY.to_proto()
    assert model.artifact_location.endswith(f"/models/{info.model_id}/artifacts")
    assert model.params == {"C": "1.0"}
    run = client.get_run(run_id)
    assert [output.model_id for output in run.outputs.model_outputs] == [info.model_id]


def test_load_model_by_model_uri_and_runs_uri_predicts_like_the_original(logged):
    info, run_id, model, features = logged
    expected = model.predict(features)
    for uri in (info.model_uri, f"runs:/{run_id}/model"):
        loaded = mlflow.pyfunc.load_model(uri)
        assert np.array_equal(loaded.predict(features), expected)


def test_register_a_logged_model_and_load_it_by_version_and_alias(client, tracking_uri, logged):
    info, _, model, features = logged
    name = unique_name("lm-reg")
    version = mlflow.register_model(info.model_uri, name)
    assert version.version == "1"
    # The client sends the logged model's id; its ModelVersion entity drops the field when reading
    # (a TODO in mlflow's from_proto), so the stored link is read off the wire.
    stored = requests.get(f"{tracking_uri}/api/2.0/mlflow/model-versions/get",
                          params={"name": name, "version": "1"}, timeout=10).json()["model_version"]
    assert stored["model_id"] == info.model_id
    client.set_registered_model_alias(name, "champion", version.version)
    expected = model.predict(features)
    for uri in (f"models:/{name}/1", f"models:/{name}@champion"):
        assert np.array_equal(mlflow.pyfunc.load_model(uri).predict(features), expected)
    # The client records the registration on the logged model.
    assert name in client.get_logged_model(info.model_id).tags.get("mlflow.modelVersions", "")


def test_search_tags_and_delete_through_the_client(client, experiment_id):
    model, _ = _fitted()
    with mlflow.start_run(experiment_id=experiment_id):
        first = mlflow.sklearn.log_model(model, name="alpha")
        second = mlflow.sklearn.log_model(model, name="beta")
    client.set_logged_model_tags(first.model_id, {"stage": "candidate"})
    found = client.search_logged_models(experiment_ids=[experiment_id], filter_string="tags.stage = 'candidate'")
    assert [m.model_id for m in found] == [first.model_id]
    by_name = client.search_logged_models(
        experiment_ids=[experiment_id], order_by=[{"field_name": "name", "ascending": False}], max_results=1)
    assert [m.model_id for m in by_name] == [second.model_id]
    assert by_name.token
    rest = client.search_logged_models(experiment_ids=[experiment_id], max_results=1, page_token=by_name.token,
                                       order_by=[{"field_name": "name", "ascending": False}])
    assert [m.model_id for m in rest] == [first.model_id]
    client.delete_logged_model_tag(first.model_id, "stage")
    assert "stage" not in client.get_logged_model(first.model_id).tags
    client.delete_logged_model(second.model_id)
    with pytest.raises(MlflowException) as exc:
        client.get_logged_model(second.model_id)
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    remaining = client.search_logged_models(experiment_ids=[experiment_id])
    assert [m.model_id for m in remaining] == [first.model_id]


def test_metrics_logged_with_a_model_id_belong_to_the_model_and_drive_its_search(client, experiment_id):
    model, _ = _fitted()
    with mlflow.start_run(experiment_id=experiment_id) as run:
        weak = mlflow.sklearn.log_model(model, name="weak")
        strong = mlflow.sklearn.log_model(model, name="strong")
        untested = mlflow.sklearn.log_model(model, name="untested")
        mlflow.log_metric("accuracy", 0.6, step=1, model_id=weak.model_id)
        mlflow.log_metrics({"accuracy": 0.9, "f1": 0.8}, step=1, model_id=strong.model_id)
    metrics = {m.key: (m.value, m.step, m.run_id, m.model_id) for m in client.get_logged_model(strong.model_id).metrics}
    assert metrics == {
        "accuracy": (0.9, 1, run.info.run_id, strong.model_id),
        "f1": (0.8, 1, run.info.run_id, strong.model_id),
    }
    # The points are run metrics as well.
    assert client.get_run(run.info.run_id).data.metrics["f1"] == 0.8

    found = client.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.7")
    assert [m.model_id for m in found] == [strong.model_id]
    ranked = client.search_logged_models(
        experiment_ids=[experiment_id], order_by=[{"field_name": "metrics.accuracy", "ascending": False}])
    assert [m.model_id for m in ranked] == [strong.model_id, weak.model_id, untested.model_id]
    best = mlflow.search_logged_models(
        experiment_ids=[experiment_id], filter_string="metrics.f1 >= 0.8 AND name = 'strong'", output_format="list")
    assert [m.model_id for m in best] == [strong.model_id]


def test_metrics_on_a_dataset_are_found_through_the_datasets_clause(client, experiment_id):
    model, _ = _fitted()
    with mlflow.start_run(experiment_id=experiment_id) as run:
        info = mlflow.sklearn.log_model(model, name="evaluated")
        other = mlflow.sklearn.log_model(model, name="other")
        client.log_batch(run.info.run_id, metrics=[
            mlflow.entities.Metric("auc", 0.75, 1, 0, model_id=info.model_id, dataset_name="holdout", dataset_digest="d1"),
            mlflow.entities.Metric("auc", 0.95, 2, 0, model_id=other.model_id, dataset_name="train", dataset_digest="d2"),
        ])
    point = client.get_logged_model(info.model_id).metrics[0]
    assert (point.dataset_name, point.dataset_digest) == ("holdout", "d1")
    found = client.search_logged_models(
        experiment_ids=[experiment_id], filter_string="metrics.auc > 0.5", datasets=[{"dataset_name": "holdout"}])
    assert [m.model_id for m in found] == [info.model_id]


def test_sklearn_autolog_records_params_metrics_and_a_loadable_model(client, experiment_id):
    features, labels = _data()
    mlflow.sklearn.autolog()
    try:
        with mlflow.start_run(experiment_id=experiment_id) as run:
            model = LogisticRegression(max_iter=150).fit(features, labels)
    finally:
        mlflow.sklearn.autolog(disable=True)
    data = client.get_run(run.info.run_id).data
    assert data.params["max_iter"] == "150"
    assert "training_accuracy_score" in data.metrics
    models = client.search_logged_models(experiment_ids=[experiment_id])
    assert len(models) == 1
    loaded = mlflow.pyfunc.load_model(f"models:/{models[0].model_id}")
    assert np.array_equal(loaded.predict(features), model.predict(features))
