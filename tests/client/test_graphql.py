"""MLflow's GraphQL endpoint (`POST /graphql`, issue 13), as MLflow's web UI and test suite call it: raw
requests against the real binary, answers compared with what `mlflow server` returns."""

from __future__ import annotations

import math

import pytest
import requests
from mlflow.entities import Dataset, DatasetInput, InputTag

from conftest import TARGET, unique_name
from test_access import auth_server  # noqa: F401  (the module's auth-enabled server)


def graphql(base: str, query: str, **kw) -> requests.Response:
    return requests.post(f"{base}/graphql", json={"query": query}, timeout=30, **kw)


def data_of(response: requests.Response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] is None, body
    return body["data"]


def test_get_experiment_and_run_with_its_experiment_and_model_versions(client, tracking_uri):
    name = unique_name("gql")
    experiment_id = client.create_experiment(name)
    run = client.create_run(experiment_id)
    client.create_registered_model(name)
    client.create_model_version(name, f"runs:/{run.info.run_id}/model", run.info.run_id)

    data = data_of(graphql(tracking_uri, f'{{ mlflowGetExperiment(input: {{experimentId: "{experiment_id}"}}) '
                                         "{ experiment { experimentId name lifecycleStage creationTime } apiError { code } } }"))
    experiment = data["mlflowGetExperiment"]["experiment"]
    assert experiment["experimentId"] == experiment_id and experiment["name"] == name
    assert experiment["lifecycleStage"] == "active" and experiment["creationTime"].isdigit()
    assert data["mlflowGetExperiment"]["apiError"] is None

    query = f"""query testQuery @component(name: "Test") {{
        mlflowGetRun(input: {{runId: "{run.info.run_id}"}}) {{
            run {{ info {{ runId status endTime }} experiment {{ name }} modelVersions {{ name version status }} }}
        }} }}"""
    got = data_of(graphql(tracking_uri, query))["mlflowGetRun"]["run"]
    # An unset end time reads as 0, as from MLflow's proto-backed schema.
    assert got["info"] == {"runId": run.info.run_id, "status": "RUNNING", "endTime": "0"}
    assert got["experiment"] == {"name": name}
    assert got["modelVersions"] == [{"name": name, "version": "1", "status": "READY"}]


def test_search_runs_newest_first_as_a_mutation(client, tracking_uri, experiment_id):
    first = client.create_run(experiment_id).info.run_id
    second = client.create_run(experiment_id).info.run_id
    query = f'mutation m {{ mlflowSearchRuns(input: {{experimentIds: ["{experiment_id}"]}}) {{ runs {{ info {{ runId }} }} nextPageToken }} }}'
    runs = data_of(graphql(tracking_uri, query))["mlflowSearchRuns"]["runs"]
    assert runs == [{"info": {"runId": second}}, {"info": {"runId": first}}]


def test_bulk_interval_history_and_nan_values(client, tracking_uri, run_id):
    for step in range(5):
        client.log_metric(run_id, "loss", float(step), step=step, timestamp=100 + step)
    client.log_metric(run_id, "odd", math.nan, step=0, timestamp=1)
    query = f'{{ mlflowGetMetricHistoryBulkInterval(input: {{runIds: ["{run_id}"], metricKey: "loss", maxResults: 3}}) {{ metrics {{ key step value runId }} }} }}'
    metrics = data_of(graphql(tracking_uri, query))["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    # The REST endpoint's sampling (its bucket rule is tested there): three points, first and last kept.
    steps = [m["step"] for m in metrics]
    assert len(steps) == 3 and steps[0] == "0" and steps[-1] == "4"
    assert all(m["runId"] == run_id and m["key"] == "loss" for m in metrics)

    query = f'{{ mlflowGetRun(input: {{runId: "{run_id}"}}) {{ run {{ data {{ metrics {{ key value }} }} }} }} }}'
    latest = data_of(graphql(tracking_uri, query))["mlflowGetRun"]["run"]["data"]["metrics"]
    assert {m["key"]: m["value"] for m in latest} == {"loss": 4.0, "odd": None}


def test_list_artifacts_and_search_datasets(client, tracking_uri, run_id, experiment_id, tmp_path):
    (tmp_path / "a.txt").write_text("hello world")
    client.log_artifact(run_id, str(tmp_path / "a.txt"), "dir")
    query = f'{{ files: mlflowListArtifacts(input: {{runId: "{run_id}", path: "dir"}}) {{ rootUri files {{ path isDir fileSize }} }} }}'
    listing = data_of(graphql(tracking_uri, query))["files"]
    assert listing["files"] == [{"path": "dir/a.txt", "isDir": False, "fileSize": "11"}]

    dataset = Dataset(name="d", digest="abc", source_type="local", source="/tmp/d")
    client.log_inputs(run_id, [DatasetInput(dataset, [InputTag("mlflow.data.context", "training")])])
    query = f'mutation {{ mlflowSearchDatasets(input: {{experimentIds: ["{experiment_id}"]}}) {{ datasetSummaries {{ experimentId name digest context }} }} }}'
    summaries = data_of(graphql(tracking_uri, query))["mlflowSearchDatasets"]["datasetSummaries"]
    assert summaries == [{"experimentId": experiment_id, "name": "d", "digest": "abc", "context": "training"}]


def test_search_model_versions_pages_with_long_string_max_results(client, tracking_uri, run_id):
    name = unique_name("gqlmodel")
    client.create_registered_model(name)
    for _ in range(3):
        client.create_model_version(name, f"runs:/{run_id}/model", run_id)
    query = f'{{ mlflowSearchModelVersions(input: {{filter: "name=\'{name}\'", maxResults: 2}}) {{ modelVersions {{ version }} nextPageToken }} }}'
    page = data_of(graphql(tracking_uri, query))["mlflowSearchModelVersions"]
    assert len(page["modelVersions"]) == 2 and page["nextPageToken"]


def test_mlflows_limits_and_their_messages(tracking_uri):
    roots = " ".join(f'k{i}: test(inputString: "a") {{ output }}' for i in range(12))
    body = graphql(tracking_uri, f"query q {{ {roots} }}").json()
    assert body["data"] is None
    assert body["errors"][0].startswith("GraphQL queries should have at most 10 root fields, got 12 root fields.")

    aliases = " ".join(f"e{i}: experiment {{ name }}" for i in range(12))
    body = graphql(tracking_uri, f'{{ mlflowGetExperiment(input: {{experimentId: "0"}}) {{ {aliases} }} }}').json()
    assert "queries should have at most 10 aliases" in body["errors"][0]

    inner = "name"
    for _ in range(12):
        inner = f"name {{ {inner} }}"
    body = graphql(tracking_uri, f'{{ mlflowGetExperiment(input: {{experimentId: "0"}}) {{ experiment {{ {inner} }} }} }}').json()
    assert body["errors"] == ["Query exceeds maximum depth of 10"]

    echo = data_of(graphql(tracking_uri, 'query t { test(inputString: "abc") { output } }'))
    assert echo == {"test": {"output": "abc"}}


def test_bad_bodies_get_mlflows_error_shape_not_a_5xx(tracking_uri):
    as_list = requests.post(f"{tracking_uri}/graphql", json=[{"query": "{ test { output } }"}], timeout=30)
    assert as_list.status_code == 400 and as_list.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    no_query = requests.post(f"{tracking_uri}/graphql", json={"operationName": "x"}, timeout=30)
    assert no_query.status_code == 400 and "'query'" in no_query.json()["message"]
    too_big = requests.post(f"{tracking_uri}/graphql", json={"query": "{ test { output } }" + " " * 300_000}, timeout=30)
    assert too_big.status_code == 400
    deep = requests.post(f"{tracking_uri}/graphql", json={"query": "{ a(x: " + "[" * 5000 + "]" * 5000 + ") }"}, timeout=30)
    assert deep.status_code == 200 and deep.json()["errors"] == ["Query exceeds maximum nesting of 64 brackets"]
    huge = graphql(tracking_uri, "{ mlflowSearchModelVersions(input: {maxResults: 99999999999999999999}) { nextPageToken } }").json()
    assert huge["data"] is None and "LongString" in huge["errors"][0]
    put = requests.put(f"{tracking_uri}/graphql", json={"query": "{ test { output } }"}, timeout=30)
    assert put.status_code == 405 and put.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    unknown = graphql(tracking_uri, "{ nope }").json()
    assert unknown["data"] is None and "nope" in unknown["errors"][0]
    missing = graphql(tracking_uri, '{ mlflowGetRun(input: {runId: "0123456789abcdef0123456789abcdef"}) { run { info { runId } } } }').json()
    assert missing["data"] == {"mlflowGetRun": None}
    assert missing["errors"] == ["Run with id=0123456789abcdef0123456789abcdef not found"]


@pytest.mark.skipif(TARGET != "stride", reason="Stride's projects and tokens")
def test_a_reader_token_queries_its_project_under_the_project_prefix(auth_server):  # noqa: F811
    writer = {"Authorization": f"Bearer {auth_server.tokens['vision-writer']}"}
    reader = {"Authorization": f"Bearer {auth_server.tokens['vision-reader']}"}
    base = f"{auth_server.uri}/projects/vision"
    created = requests.post(f"{base}/api/2.0/mlflow/experiments/create", json={"name": unique_name("gqlauth")}, headers=writer, timeout=30)
    experiment_id = created.json()["experiment_id"]
    query = f'{{ mlflowGetExperiment(input: {{experimentId: "{experiment_id}"}}) {{ experiment {{ workspace }} }} }}'

    answer = graphql(base, query, headers=reader)
    assert data_of(answer)["mlflowGetExperiment"]["experiment"] == {"workspace": "vision"}

    assert graphql(base, query).status_code == 401
    # Another project's token may not use this project, and in its own the experiment does not exist.
    audio = {"Authorization": f"Bearer {auth_server.tokens['audio-writer']}"}
    assert graphql(base, query, headers=audio).status_code == 404
    other = graphql(f"{auth_server.uri}/projects/audio", query, headers=audio).json()
    assert other["data"] == {"mlflowGetExperiment": None}
    assert other["errors"] == [f"No Experiment with id={experiment_id} exists"]
