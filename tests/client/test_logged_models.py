"""MLflow 3 logged models: log_model, load_model, register_model and autolog, through the real client."""

from __future__ import annotations

import mlflow
import numpy as np
import pytest
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


def test_register_a_logged_model_and_load_it_by_version_and_alias(client, logged):
    info, _, model, features = logged
    name = unique_name("lm-reg")
    version = mlflow.register_model(info.model_uri, name)
    assert version.version == "1"
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
