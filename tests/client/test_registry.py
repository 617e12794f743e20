"""Model registry: registered models, versions, stages, aliases, tags and search, through the real client."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.exceptions import MlflowException

from conftest import TARGET, unique_name


def _error_code(exc: MlflowException) -> str:
    return exc.value.error_code if hasattr(exc, "value") else exc.error_code


@pytest.fixture
def model_run(client, experiment_id) -> str:
    """A finished run with a `model/` folder of artifacts to register."""
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_text("flavors: {}\n", "model/MLmodel")
    return run.info.run_id


def _register_twice(client, run_id: str, name: str):
    first = mlflow.register_model(f"runs:/{run_id}/model", name)
    second = mlflow.register_model(f"runs:/{run_id}/model", name)
    return first, second


def test_create_and_get_a_registered_model_with_tags_and_description(client):
    name = unique_name("reg")
    created = client.create_registered_model(name, tags={"team": "vision"}, description="first")
    assert created.name == name
    assert created.description == "first"
    assert created.creation_timestamp > 0
    assert created.last_updated_timestamp == created.creation_timestamp
    loaded = client.get_registered_model(name)
    assert loaded.tags == {"team": "vision"}
    assert loaded.latest_versions == []
    assert loaded.aliases == {}


def test_a_duplicate_model_is_RESOURCE_ALREADY_EXISTS_and_an_unknown_one_RESOURCE_DOES_NOT_EXIST(client):
    name = unique_name("dup")
    client.create_registered_model(name)
    with pytest.raises(MlflowException) as exc:
        client.create_registered_model(name)
    assert exc.value.error_code == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(MlflowException) as exc:
        client.get_registered_model(unique_name("missing"))
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as exc:
        client.get_model_version(name, "7")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_model_names_follow_mlflows_rules(client):
    for bad in ["a/b", "a:b", "   "]:
        with pytest.raises(MlflowException) as exc:
            client.create_registered_model(bad)
        assert exc.value.error_code == "INVALID_PARAMETER_VALUE"


def test_register_model_twice_creates_versions_1_and_2(client, model_run):
    name = unique_name("twice")
    first, second = _register_twice(client, model_run, name)
    assert (first.version, second.version) == ("1", "2")
    assert first.status == "READY"
    assert first.run_id == model_run
    # The client finds the run's files and registers their artifact URI rather than the runs:/ URI.
    model_uri = client.get_run(model_run).info.artifact_uri + "/model"
    assert first.source == model_uri
    assert first.current_stage == "None"
    model = client.get_registered_model(name)
    # One stage, so latest_versions holds just the newest version.
    assert [v.version for v in model.latest_versions] == ["2"]
    assert client.get_model_version_download_uri(name, "1") == model_uri


def test_a_runs_uri_source_is_kept_as_given(client, model_run):
    name = unique_name("src")
    client.create_registered_model(name)
    version = client.create_model_version(name, f"runs:/{model_run}/model", run_id=model_run)
    assert version.source == f"runs:/{model_run}/model"
    assert client.get_model_version_download_uri(name, "1") == f"runs:/{model_run}/model"
    # As in MLflow, the run in the URI need not be the version's run (see test_conformance.py).
    other = client.create_model_version(name, f"runs:/{model_run}/model", run_id="0" * 32)
    assert other.run_id == "0" * 32


def test_a_registered_version_downloads_through_models_uris(client, model_run, tmp_path):
    name = unique_name("dl")
    mlflow.register_model(f"runs:/{model_run}/model", name)
    client.set_registered_model_alias(name, "champion", "1")
    for uri in [f"models:/{name}/1", f"models:/{name}@champion"]:
        target = tmp_path / uri.replace("/", "_").replace(":", "_").replace("@", "_")
        target.mkdir()
        local = mlflow.artifacts.download_artifacts(uri, dst_path=str(target))
        with open(f"{local}/MLmodel") as handle:
            assert handle.read() == "flavors: {}\n"


def test_the_ui_download_helper_serves_a_versions_files(client, model_run, api):
    name = unique_name("ui")
    mlflow.register_model(f"runs:/{model_run}/model", name)
    resp = api.get("/model-versions/get-artifact", params={"name": name, "version": "1", "path": "MLmodel"})
    assert resp.status_code == 200
    assert resp.text == "flavors: {}\n"
    missing = api.get("/model-versions/get-artifact", params={"name": name, "version": "9", "path": "MLmodel"})
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_aliases_move_between_versions_and_resolve(client, model_run):
    name = unique_name("alias")
    _register_twice(client, model_run, name)
    client.set_registered_model_alias(name, "champion", "1")
    assert client.get_model_version_by_alias(name, "champion").version == "1"
    client.set_registered_model_alias(name, "champion", "2")
    moved = client.get_model_version_by_alias(name, "champion")
    assert moved.version == "2"
    assert moved.aliases == ["champion"]
    assert client.get_model_version(name, "1").aliases == []
    assert client.get_registered_model(name).aliases == {"champion": "2"}
    client.delete_registered_model_alias(name, "champion")
    assert client.get_registered_model(name).aliases == {}


def test_an_unknown_alias_is_a_400_and_reserved_aliases_are_refused(client, model_run):
    name = unique_name("alias")
    mlflow.register_model(f"runs:/{model_run}/model", name)
    with pytest.raises(MlflowException) as exc:
        client.get_model_version_by_alias(name, "nobody")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert exc.value.get_http_status_code() == 400
    for reserved in ["latest", "LATEST", "v1", "V12"]:
        with pytest.raises(MlflowException) as exc:
            client.set_registered_model_alias(name, reserved, "1")
        assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as exc:
        client.set_registered_model_alias(name, "bad alias!", "1")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as exc:
        client.set_registered_model_alias(name, "champion", "9")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_transition_with_archive_existing_versions_archives_the_previous_holder(client, model_run):
    name = unique_name("stage")
    _register_twice(client, model_run, name)
    client.transition_model_version_stage(name, "1", "Production")
    promoted = client.transition_model_version_stage(name, "2", "production", archive_existing_versions=True)
    assert promoted.current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"
    latest = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert latest == {"Production": "2", "Archived": "1"}
    assert [v.version for v in client.get_latest_versions(name, stages=["Archived"])] == ["1"]
    assert client.get_latest_versions(name, stages=["Staging"]) == []
    with pytest.raises(MlflowException) as exc:
        client.transition_model_version_stage(name, "1", "Archived", archive_existing_versions=True)
    # MLflow raises this one without an error code, so it leaves as a 500; Stride keeps client errors 400.
    assert exc.value.error_code == ("INTERNAL_ERROR" if TARGET == "mlflow" else "INVALID_PARAMETER_VALUE")


def test_search_registered_models_filters_orders_and_pages(client):
    prefix = unique_name("srch")
    for suffix in ["a", "b", "c"]:
        client.create_registered_model(f"{prefix}-{suffix}", tags={"kind": "odd" if suffix != "b" else "even"})
    found = client.search_registered_models(filter_string=f"name LIKE '{prefix}-%'", order_by=["name DESC"])
    assert [m.name for m in found] == [f"{prefix}-c", f"{prefix}-b", f"{prefix}-a"]
    assert [m.name for m in client.search_registered_models(f"name = '{prefix}-b'")] == [f"{prefix}-b"]
    assert len(client.search_registered_models(f"name ILIKE '{prefix.upper()}-%'")) == 3
    assert [m.name for m in client.search_registered_models(f"name LIKE '{prefix}-%' and tags.kind = 'odd'")] == [
        f"{prefix}-a", f"{prefix}-c"]
    assert [m.name for m in client.search_registered_models(f"name LIKE '{prefix}-%' and name != '{prefix}-a'")] == [
        f"{prefix}-b", f"{prefix}-c"]
    first = client.search_registered_models(f"name LIKE '{prefix}-%'", max_results=2)
    assert [m.name for m in first] == [f"{prefix}-a", f"{prefix}-b"]
    assert first.token
    second = client.search_registered_models(f"name LIKE '{prefix}-%'", max_results=2, page_token=first.token)
    assert [m.name for m in second] == [f"{prefix}-c"]
    assert not second.token
    newest_first = client.search_registered_models(f"name LIKE '{prefix}-%'", order_by=["last_updated_timestamp DESC"])
    assert newest_first[0].last_updated_timestamp >= newest_first[-1].last_updated_timestamp


def test_search_registered_models_without_a_filter_returns_models_that_lack_the_prompt_tag(client):
    name = unique_name("plain")
    client.create_registered_model(name)
    names = set()
    page = client.search_registered_models(max_results=1000)
    names.update(m.name for m in page)
    assert name in names


def test_search_model_versions_by_name_run_and_tag(client, model_run):
    name = unique_name("mvs")
    first, _ = _register_twice(client, model_run, name)
    client.set_model_version_tag(name, "1", "validated", "yes")
    versions = client.search_model_versions(f"name = '{name}'")
    # MLflow's default order: name ascending, then version descending.
    assert [v.version for v in versions] == ["2", "1"]
    assert [v.version for v in client.search_model_versions(f"name = '{name}' and tags.validated = 'yes'")] == ["1"]
    by_run = client.search_model_versions(f"run_id = '{model_run}'")
    assert {v.version for v in by_run} == {"1", "2"}
    ordered = client.search_model_versions(f"name = '{name}'", order_by=["version_number ASC"])
    assert [v.version for v in ordered] == ["1", "2"]
    page = client.search_model_versions(f"name = '{name}'", max_results=1)
    assert [v.version for v in page] == ["2"]
    assert page.token
    rest = client.search_model_versions(f"name = '{name}'", max_results=1, page_token=page.token)
    assert [v.version for v in rest] == ["1"]


def test_rename_moves_versions_and_aliases_to_the_new_name(client, model_run):
    name, new_name = unique_name("old"), unique_name("new")
    _register_twice(client, model_run, name)
    client.set_registered_model_alias(name, "champion", "1")
    client.rename_registered_model(name, new_name)
    assert client.get_registered_model(new_name).name == new_name
    assert client.get_model_version(new_name, "2").name == new_name
    assert client.get_model_version_by_alias(new_name, "champion").version == "1"
    with pytest.raises(MlflowException) as exc:
        client.get_registered_model(name)
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert client.search_model_versions(f"name = '{name}'") == []
    other = unique_name("other")
    client.create_registered_model(other)
    with pytest.raises(MlflowException) as exc:
        client.rename_registered_model(other, new_name)
    assert exc.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_delete_model_removes_its_versions(client, model_run):
    name = unique_name("gone")
    _register_twice(client, model_run, name)
    client.delete_registered_model(name)
    with pytest.raises(MlflowException) as exc:
        client.get_registered_model(name)
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert client.search_model_versions(f"name = '{name}'") == []
    # The name is free again and numbering restarts.
    assert mlflow.register_model(f"runs:/{model_run}/model", name).version == "1"


def test_deleted_versions_keep_their_number_and_lose_their_aliases(client, model_run):
    name = unique_name("delv")
    _register_twice(client, model_run, name)
    client.set_registered_model_alias(name, "champion", "2")
    client.delete_model_version(name, "2")
    with pytest.raises(MlflowException) as exc:
        client.get_model_version(name, "2")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert client.get_registered_model(name).aliases == {}
    assert [v.version for v in client.get_registered_model(name).latest_versions] == ["1"]
    assert client.create_model_version(name, f"runs:/{model_run}/model", run_id=model_run).version == "3"


def test_tags_and_descriptions_on_models_and_versions(client, model_run):
    name = unique_name("tags")
    mlflow.register_model(f"runs:/{model_run}/model", name)
    client.set_registered_model_tag(name, "owner", "ana")
    client.set_registered_model_tag(name, "owner", "bo")
    client.set_model_version_tag(name, "1", "checked", "true")
    assert client.get_registered_model(name).tags == {"owner": "bo"}
    assert client.get_model_version(name, "1").tags == {"checked": "true"}
    client.delete_registered_model_tag(name, "owner")
    client.delete_model_version_tag(name, "1", "checked")
    assert client.get_registered_model(name).tags == {}
    assert client.get_model_version(name, "1").tags == {}
    updated = client.update_registered_model(name, description="better")
    assert updated.description == "better"
    version = client.update_model_version(name, "1", description="v1 notes")
    assert version.description == "v1 notes"
    assert client.get_model_version(name, "1").description == "v1 notes"


def test_a_non_integer_version_is_INVALID_PARAMETER_VALUE(client, model_run):
    name = unique_name("ver")
    mlflow.register_model(f"runs:/{model_run}/model", name)
    with pytest.raises(MlflowException) as exc:
        client.get_model_version(name, "abc")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"


def test_a_version_created_without_a_description_has_an_empty_one_as_in_mlflow(client, api):
    name = unique_name("nodesc")
    client.create_registered_model(name)
    client.create_model_version(name, "runs:/0123456789abcdef0123456789abcdef/model", "0123456789abcdef0123456789abcdef")
    assert client.get_model_version(name, "1").description == ""
    wire = api.get("/api/2.0/mlflow/model-versions/get", params={"name": name, "version": "1"}).json()["model_version"]
    assert wire.get("description") == ""
