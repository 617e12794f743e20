"""runs/log-inputs: datasets logged with mlflow.log_input show up on the run."""

from __future__ import annotations

import json

import mlflow
import mlflow.data
import numpy as np
import pandas as pd


def context_of(dataset_input):
    return {t.key: t.value for t in dataset_input.tags}.get("mlflow.data.context")


def test_log_input_pandas_dataset_appears_in_run_inputs_with_context(experiment_id, client):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(df, name="train-df", targets="y")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    ds = inputs[0].dataset
    assert ds.name == "train-df"
    assert ds.digest == dataset.digest
    expected = dataset.to_dict()
    assert ds.source_type == expected["source_type"] == "code"
    assert json.loads(ds.source) == json.loads(expected["source"])
    assert json.loads(ds.schema) == json.loads(expected["schema"])
    assert json.loads(ds.profile) == {"num_rows": 3, "num_elements": 6}
    assert context_of(inputs[0]) == "training"


def test_log_input_numpy_dataset(experiment_id, client):
    dataset = mlflow.data.from_numpy(np.arange(12, dtype=np.float64).reshape(4, 3), name="np-data")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="eval")
    (inp,) = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert inp.dataset.name == "np-data"
    assert inp.dataset.digest == dataset.digest
    assert context_of(inp) == "eval"


def test_two_datasets_with_different_contexts_are_both_recorded(experiment_id, client):
    train = mlflow.data.from_pandas(pd.DataFrame({"a": [1, 2]}), name="train")
    test = mlflow.data.from_pandas(pd.DataFrame({"a": [3, 4, 5]}), name="test")
    with mlflow.start_run() as run:
        mlflow.log_input(train, context="training")
        mlflow.log_input(test, context="testing")
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert sorted((i.dataset.name, context_of(i)) for i in inputs) == [("test", "testing"), ("train", "training")]


def test_logging_the_same_dataset_twice_records_it_once(experiment_id, client):
    dataset = mlflow.data.from_pandas(pd.DataFrame({"a": [1, 2, 3]}), name="same")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
        mlflow.log_input(dataset, context="training")
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert [(i.dataset.name, i.dataset.digest) for i in inputs] == [("same", dataset.digest)]


def test_runs_can_be_searched_by_dataset_name_and_context(experiment_id, client):
    dataset = mlflow.data.from_pandas(pd.DataFrame({"a": [1]}), name="searchable")
    with mlflow.start_run() as with_ds:
        mlflow.log_input(dataset, context="training")
    with mlflow.start_run():
        pass
    found = client.search_runs([experiment_id], filter_string="dataset.name = 'searchable'")
    assert [r.info.run_id for r in found] == [with_ds.info.run_id]
    found = client.search_runs([experiment_id], filter_string="dataset.context = 'training'")
    assert [r.info.run_id for r in found] == [with_ds.info.run_id]


def test_run_without_inputs_has_empty_dataset_inputs(run_id, client, api):
    assert client.get_run(run_id).inputs.dataset_inputs == []
    body = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()
    assert body["run"]["inputs"] == {}


def test_a_dataset_with_mlflows_largest_profile_is_stored_once_and_served_whole(experiment_id, client):
    """A profile near MLflow's 16 MB limit goes in through log-inputs and comes back byte for byte
    from get and search, which send such large answers in slices."""
    from mlflow.entities import Dataset, DatasetInput, InputTag

    profile = json.dumps({"histogram": "0123456789abcdef" * (1024 * 1024 - 16)})
    assert len(profile) < 16 * 1024 * 1024
    dataset = Dataset(name="huge", digest="f" * 32, source_type="local", source=json.dumps({"uri": "/data"}),
                      schema=json.dumps({"a": "long"}), profile=profile)
    runs = []
    for _ in range(2):
        run = client.create_run(experiment_id)
        client.log_inputs(run.info.run_id, [DatasetInput(dataset, [InputTag("mlflow.data.context", "training")])])
        runs.append(run.info.run_id)
    fetched = client.get_run(runs[0]).inputs.dataset_inputs
    assert [(i.dataset.name, i.dataset.profile) for i in fetched] == [("huge", profile)]
    found = client.search_runs([experiment_id], filter_string="dataset.name = 'huge'")
    assert sorted(r.info.run_id for r in found) == sorted(runs)
    assert {r.inputs.dataset_inputs[0].dataset.profile for r in found} == {profile}
