"""MLflow 3 evaluation datasets (`/api/3.0/mlflow/datasets/*`) through the pinned client's public
API (`mlflow.genai.datasets`), and over raw REST for MLflow's wire answers, errors and the
separation of projects."""

from __future__ import annotations

import base64
import json

import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.genai.datasets import (
    add_dataset_to_experiments,
    create_dataset,
    delete_dataset,
    delete_dataset_tag,
    get_dataset,
    remove_dataset_from_experiments,
    search_datasets,
    set_dataset_tags,
)

from conftest import TARGET, unique_name

DATASETS = "/api/3.0/mlflow/datasets"


def test_create_get_and_tag_a_dataset(client, experiment_id):
    other = client.create_experiment(unique_name("other"))
    name = unique_name("qa")
    created = create_dataset(name=name, experiment_id=[experiment_id, other], tags={"team": "ml", "version": 2})
    assert created.dataset_id.startswith("d-") and len(created.dataset_id) == 34
    assert created.name == name
    user = created.tags.pop("mlflow.user")  # the client adds its user
    assert created.tags == {"team": "ml", "version": "2"}
    assert created.created_by == user
    assert sorted(created.experiment_ids) == sorted([experiment_id, other])
    assert len(created.digest) == 8

    by_id = get_dataset(dataset_id=created.dataset_id)
    assert by_id.name == name and by_id.tags == created.tags | {"mlflow.user": user}
    assert get_dataset(name=name).dataset_id == created.dataset_id

    set_dataset_tags(dataset_id=created.dataset_id, tags={"team": "data", "stage": "dev"})
    delete_dataset_tag(dataset_id=created.dataset_id, key="version")
    delete_dataset_tag(dataset_id=created.dataset_id, key="never-set")
    assert get_dataset(dataset_id=created.dataset_id).tags == {"team": "data", "stage": "dev", "mlflow.user": user}


def test_merge_records_inserts_new_inputs_and_merges_known_ones(client, experiment_id):
    dataset = create_dataset(name=unique_name("qa"), experiment_id=experiment_id)
    dataset.merge_records([
        {"inputs": {"question": "What is MLflow?"}, "expectations": {"answer": "A platform"}, "tags": {"level": "easy"}},
        {"inputs": {"question": "What is Stride?"}, "expectations": {"answer": "A server"}},
    ])
    dataset.merge_records([
        {"inputs": {"question": "What is MLflow?"}, "expectations": {"source": "docs"}},
        {"inputs": {"question": "What is Swift?"}, "outputs": "A language"},
    ])

    reloaded = client.get_dataset(dataset.dataset_id)
    records = {r.inputs["question"]: r for r in reloaded.records}
    assert sorted(records) == ["What is MLflow?", "What is Stride?", "What is Swift?"]
    mlflow_record = records["What is MLflow?"]
    assert mlflow_record.expectations == {"answer": "A platform", "source": "docs"}
    assert mlflow_record.tags["level"] == "easy"
    assert records["What is Swift?"].outputs == "A language"
    assert json.loads(reloaded.profile) == {"num_records": 3}
    schema = json.loads(reloaded.schema)
    assert schema["inputs"] == {"question": "string"}
    assert schema["expectations"] == {"answer": "string", "source": "string"}
    assert reloaded.digest != dataset.digest

    assert len(get_dataset(dataset_id=dataset.dataset_id).to_df()) == 3
    assert dataset.delete_records([mlflow_record.dataset_record_id]) == 1
    assert len(client.get_dataset(dataset.dataset_id).records) == 2


def test_search_filters_orders_and_pages(client):
    first = client.create_experiment(unique_name("search"))
    second = client.create_experiment(unique_name("search"))
    prefix = unique_name("s")
    create_dataset(name=f"{prefix}-b", experiment_id=first, tags={"team": "ml"})
    create_dataset(name=f"{prefix}-a", experiment_id=[first, second], tags={"team": "data"})
    create_dataset(name=f"{prefix}-c", experiment_id=second, tags={"team": "ml"})

    assert sorted(d.name for d in search_datasets(experiment_ids=first)) == [f"{prefix}-a", f"{prefix}-b"]
    in_first_by_team = search_datasets(experiment_ids=[first, second], filter_string="tags.team = 'ml'", order_by=["name DESC"])
    assert [d.name for d in in_first_by_team] == [f"{prefix}-c", f"{prefix}-b"]
    newest_first = search_datasets(filter_string=f"name LIKE '{prefix}-%'")
    assert [d.name for d in newest_first] == [f"{prefix}-c", f"{prefix}-a", f"{prefix}-b"]

    page = client.search_datasets(filter_string=f"name LIKE '{prefix}-%'", order_by=["name ASC"], max_results=2)
    assert [d.name for d in page] == [f"{prefix}-a", f"{prefix}-b"]
    rest = client.search_datasets(
        filter_string=f"name LIKE '{prefix}-%'", order_by=["name ASC"], max_results=2, page_token=page.token)
    assert [d.name for d in rest] == [f"{prefix}-c"] and not rest.token


def test_experiment_links_are_idempotent(client):
    experiments = [client.create_experiment(unique_name("link")) for _ in range(3)]
    dataset = create_dataset(name=unique_name("links"), experiment_id=experiments[:1])
    added = add_dataset_to_experiments(dataset_id=dataset.dataset_id, experiment_ids=experiments)
    assert sorted(added.experiment_ids) == sorted(experiments)
    again = add_dataset_to_experiments(dataset_id=dataset.dataset_id, experiment_ids=experiments[:1])
    assert sorted(again.experiment_ids) == sorted(experiments)
    removed = remove_dataset_from_experiments(dataset_id=dataset.dataset_id, experiment_ids=experiments[1:2])
    assert sorted(removed.experiment_ids) == sorted([experiments[0], experiments[2]])
    still = remove_dataset_from_experiments(dataset_id=dataset.dataset_id, experiment_ids=experiments[1:2])
    assert sorted(still.experiment_ids) == sorted([experiments[0], experiments[2]])


def test_deleted_dataset_is_not_found(experiment_id):
    dataset = create_dataset(name=unique_name("gone"), experiment_id=experiment_id)
    delete_dataset(dataset_id=dataset.dataset_id)
    with pytest.raises(MlflowException, match="not found"):
        get_dataset(dataset_id=dataset.dataset_id)


def test_wire_answers_and_errors(api, experiment_id):
    created = api.post(f"{DATASETS}/create", json={"name": unique_name("wire"), "experiment_ids": [experiment_id],
                                                   "tags": json.dumps({"mlflow.user": "ann"})})
    assert created.status_code == 200
    dataset = created.json()["dataset"]
    assert dataset["created_by"] == "ann"
    assert json.loads(dataset["tags"]) == {"mlflow.user": "ann"}
    dataset_id = dataset["dataset_id"]

    records = [{"inputs": {"q": i}, "source": {"source_type": "human", "source_data": {"source_id": f"s{i}"}}} for i in range(3)]
    upserted = api.post(f"{DATASETS}/{dataset_id}/records", json={"records": json.dumps(records)})
    assert upserted.json() == {"inserted_count": 3, "updated_count": 0}
    page = api.get(f"{DATASETS}/{dataset_id}/records", params={"max_results": 2}).json()
    first = json.loads(page["records"])
    assert len(first) == 2
    assert first[0]["source"]["source_type"] == "HUMAN" and first[0]["source_type"] == "HUMAN"
    created_time, record_id = base64.b64decode(page["next_page_token"]).decode().split(":", 1)
    assert int(created_time) == first[-1]["created_time"] and record_id == first[-1]["dataset_record_id"]
    rest = json.loads(api.get(f"{DATASETS}/{dataset_id}/records", params={"page_token": page["next_page_token"]}).json()["records"])
    assert sorted(r["inputs"]["q"] for r in first + rest) == [0, 1, 2]
    assert api.get(f"{DATASETS}/{dataset_id}/experiment-ids").json() == {"experiment_ids": [experiment_id]}

    def error(response, status=400, code="INVALID_PARAMETER_VALUE"):
        assert response.status_code == status, response.text
        assert response.json()["error_code"] == code
        return response.json()["message"]

    assert "name" in error(api.post(f"{DATASETS}/create", json={"experiment_ids": [experiment_id]}))
    error(api.post(f"{DATASETS}/create", json={"name": "x", "tags": "[1]"}))
    error(api.post(f"{DATASETS}/create", json={"name": "x" * 256}))
    assert "No Experiment with id=987654" in error(
        api.post(f"{DATASETS}/create", json={"name": "x", "experiment_ids": ["987654"]}), 404, "RESOURCE_DOES_NOT_EXIST")
    error(api.post(f"{DATASETS}/{dataset_id}/records", json={"records": json.dumps({"inputs": {}})}))
    error(api.post(f"{DATASETS}/{dataset_id}/records", json={"records": json.dumps([{"inputs": [1]}])}))
    error(api.post(f"{DATASETS}/{dataset_id}/records", json={"records": "not json"}))
    error(api.get(f"{DATASETS}/{dataset_id}/records", params={"page_token": "%%%"}))
    error(api.post(f"{DATASETS}/search", json={"filter_string": "digest = 'x'"}))
    error(api.post(f"{DATASETS}/search", json={"order_by": ["created_by"]}))
    missing = "d-00000000000000000000000000000000"
    assert "not found" in error(api.get(f"{DATASETS}/{missing}"), 404, "RESOURCE_DOES_NOT_EXIST")
    error(api.post(f"{DATASETS}/{missing}/records", json={"records": "[]"}), 404, "RESOURCE_DOES_NOT_EXIST")
    error(api.post(f"{DATASETS}/{missing}/add-experiments", json={"experiment_ids": [experiment_id]}), 404, "RESOURCE_DOES_NOT_EXIST")
    assert api.request("DELETE", f"{DATASETS}/{missing}").json() == {}


@pytest.mark.skipif(TARGET != "stride", reason="Stride's projects")
def test_projects_keep_their_datasets_apart(api, client, experiment_id):
    project = unique_name("proj")
    assert api.post("/api/3.0/mlflow/workspaces", json={"name": project}).status_code in (200, 201)
    other = f"/projects/{project}{DATASETS}"
    dataset_id = api.post(f"{DATASETS}/create", json={"name": unique_name("mine"), "experiment_ids": [experiment_id]}).json()["dataset"]["dataset_id"]

    assert api.get(f"{other}/{dataset_id}").status_code == 404
    assert api.get(f"{other}/{dataset_id}/records").status_code == 404
    assert api.post(f"{other}/{dataset_id}/records", json={"records": json.dumps([{"inputs": {"q": 1}}])}).status_code == 404
    assert api.request("PATCH", f"{other}/{dataset_id}/tags", json={"tags": json.dumps({"x": "y"})}).status_code == 404
    assert api.post(f"{other}/search", json={}).json() == {}
    assert api.request("DELETE", f"{other}/{dataset_id}").status_code == 200
    # A dataset of the other project cannot be linked to this project's experiment.
    theirs = api.post(f"{other}/create", json={"name": "theirs"}).json()["dataset"]["dataset_id"]
    linked = api.post(f"{other}/{theirs}/add-experiments", json={"experiment_ids": [experiment_id]})
    assert linked.status_code == 404 and linked.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert api.post(f"{other}/search", json={"experiment_ids": [experiment_id]}).json() == {}

    still = client.get_dataset(dataset_id)
    assert still.tags == {} and len(still.records) == 0
    assert get_dataset(dataset_id=dataset_id).dataset_id == dataset_id
