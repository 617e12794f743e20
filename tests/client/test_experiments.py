"""Experiments: lifecycle, naming rules, tags and search, through the real mlflow client."""

from __future__ import annotations

import time

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import TARGET, unique_name


def test_default_experiment_0_exists_and_is_named_Default(client):
    exp = client.get_experiment("0")
    assert exp.experiment_id == "0"
    assert exp.name == "Default"
    assert exp.lifecycle_stage == "active"
    assert exp.artifact_location == "mlflow-artifacts:/0"
    assert client.get_experiment_by_name("Default").experiment_id == "0"


def test_set_experiment_creates_a_new_experiment_then_reuses_it(client, tracking_uri):
    name = unique_name("setexp")
    assert client.get_experiment_by_name(name) is None
    first = mlflow.set_experiment(name)
    assert first.name == name
    assert first.lifecycle_stage == "active"
    second = mlflow.set_experiment(name)
    assert second.experiment_id == first.experiment_id
    assert client.get_experiment_by_name(name).experiment_id == first.experiment_id


def test_set_experiment_by_id_activates_that_experiment(client, tracking_uri):
    exp_id = client.create_experiment(unique_name("byid"))
    exp = mlflow.set_experiment(experiment_id=exp_id)
    assert exp.experiment_id == exp_id
    with mlflow.start_run() as run:
        assert run.info.experiment_id == exp_id


def test_create_experiment_returns_a_new_id_and_stores_tags(client):
    name = unique_name("tagged")
    exp_id = client.create_experiment(name, tags={"team": "ml", "stage": "dev"})
    assert isinstance(exp_id, str) and exp_id.isdigit() and exp_id != "0"
    exp = client.get_experiment(exp_id)
    assert exp.name == name
    assert exp.tags == {"team": "ml", "stage": "dev"}
    assert exp.lifecycle_stage == "active"


def test_experiment_ids_are_distinct_increasing_integers(client):
    ids = [int(client.create_experiment(unique_name("seq"))) for _ in range(3)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


def test_experiment_artifact_location_is_mlflow_artifacts_uri_with_its_id(client):
    exp_id = client.create_experiment(unique_name("art"))
    assert client.get_experiment(exp_id).artifact_location == f"mlflow-artifacts:/{exp_id}"


def test_experiment_has_creation_and_last_update_times_in_milliseconds(client):
    before = int(time.time() * 1000)
    exp_id = client.create_experiment(unique_name("times"))
    after = int(time.time() * 1000)
    exp = client.get_experiment(exp_id)
    assert before - 5000 <= exp.creation_time <= after + 5000
    assert exp.last_update_time >= exp.creation_time


def test_get_experiment_and_get_by_name_return_the_same_experiment(client):
    name = unique_name("same")
    exp_id = client.create_experiment(name)
    by_id = client.get_experiment(exp_id)
    by_name = client.get_experiment_by_name(name)
    assert (by_id.experiment_id, by_id.name) == (by_name.experiment_id, by_name.name) == (exp_id, name)


def test_get_experiment_by_name_returns_none_for_a_missing_name(client):
    assert client.get_experiment_by_name(unique_name("missing")) is None
    assert mlflow.get_experiment_by_name(unique_name("missing")) is None


def test_get_experiment_with_unknown_id_raises_resource_does_not_exist(client):
    with pytest.raises(MlflowException) as exc:
        client.get_experiment("987654321")
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "No Experiment with id=987654321 exists" in exc.value.message


def test_get_experiment_with_non_integer_id_is_invalid_parameter_value(client):
    with pytest.raises(MlflowException) as exc:
        client.get_experiment("abc")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Invalid experiment ID 'abc'" in exc.value.message


def test_rename_experiment_changes_its_name(client):
    old, new = unique_name("old"), unique_name("new")
    exp_id = client.create_experiment(old)
    client.rename_experiment(exp_id, new)
    assert client.get_experiment(exp_id).name == new
    assert client.get_experiment_by_name(new).experiment_id == exp_id
    assert client.get_experiment_by_name(old) is None


def test_rename_experiment_to_a_taken_name_is_rejected_as_bad_request(client):
    # MLflow hits the UNIQUE constraint here and answers 400 BAD_REQUEST (not
    # RESOURCE_ALREADY_EXISTS as on create).
    taken = unique_name("taken")
    client.create_experiment(taken)
    exp_id = client.create_experiment(unique_name("mover"))
    with pytest.raises(MlflowException) as exc:
        client.rename_experiment(exp_id, taken)
    assert exc.value.error_code == "BAD_REQUEST"
    assert exc.value.get_http_status_code() == 400
    assert client.get_experiment(exp_id).name != taken


def test_rename_of_deleted_experiment_is_refused_with_invalid_state(client, api):
    exp_id = client.create_experiment(unique_name("delrename"))
    client.delete_experiment(exp_id)
    resp = api.post(
        "/api/2.0/mlflow/experiments/update",
        json={"experiment_id": exp_id, "new_name": unique_name("x")},
    )
    # MLflow answers INVALID_STATE with 500, which the client retries for minutes; Stride keeps
    # the error code and answers 400 (docs/compatibility.md, "Deliberate differences").
    assert resp.status_code == (500 if TARGET == "mlflow" else 400)
    body = resp.json()
    assert body["error_code"] == "INVALID_STATE"
    assert body["message"] == "Cannot rename a non-active experiment."


def test_delete_and_restore_experiment_flip_lifecycle_stage(client):
    exp_id = client.create_experiment(unique_name("lifecycle"))
    client.delete_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "deleted"
    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"


def test_deleting_an_experiment_deletes_its_runs_and_restoring_restores_them(client):
    exp_id = client.create_experiment(unique_name("cascade"))
    run_id = client.create_run(exp_id).info.run_id
    client.delete_experiment(exp_id)
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    client.restore_experiment(exp_id)
    assert client.get_run(run_id).info.lifecycle_stage == "active"


def test_duplicate_experiment_name_raises_resource_already_exists(client):
    name = unique_name("dup")
    client.create_experiment(name)
    with pytest.raises(MlflowException) as exc:
        client.create_experiment(name)
    assert exc.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert exc.value.get_http_status_code() == 400
    assert f"Experiment(name={name}) already exists" in exc.value.message


def test_name_of_a_deleted_experiment_stays_reserved(client):
    name = unique_name("reserved")
    exp_id = client.create_experiment(name)
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException) as exc:
        client.create_experiment(name)
    assert exc.value.error_code == "RESOURCE_ALREADY_EXISTS"
    # get-by-name still finds the deleted experiment
    found = client.get_experiment_by_name(name)
    assert found.experiment_id == exp_id
    assert found.lifecycle_stage == "deleted"


def test_set_experiment_refuses_a_deleted_experiment(client, tracking_uri):
    name = unique_name("setdeleted")
    exp_id = client.create_experiment(name)
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException) as exc:
        mlflow.set_experiment(name)
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Cannot set a deleted experiment" in exc.value.message


def test_experiment_name_longer_than_500_chars_is_rejected(client, api):
    resp = api.post("/api/2.0/mlflow/experiments/create", json={"name": "x" * 501})
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "'name' exceeds the maximum length of 500 characters" in resp.json()["message"]
    name = unique_name("n")
    name += "x" * (500 - len(name))
    assert len(name) == 500
    assert client.get_experiment(client.create_experiment(name)).name == name


def test_set_and_delete_experiment_tag(client):
    exp_id = client.create_experiment(unique_name("exptag"))
    client.set_experiment_tag(exp_id, "owner", "alice")
    client.set_experiment_tag(exp_id, "note", "first")
    client.set_experiment_tag(exp_id, "note", "second")
    assert client.get_experiment(exp_id).tags == {"owner": "alice", "note": "second"}
    client.delete_experiment_tag(exp_id, "owner")
    assert client.get_experiment(exp_id).tags == {"note": "second"}


def test_fluent_set_experiment_tags(experiment_id, client):
    mlflow.set_experiment_tags({"a": "1", "b": "2"})
    assert client.get_experiment(experiment_id).tags == {"a": "1", "b": "2"}


# --- search_experiments ---------------------------------------------------------


def _names(experiments):
    return [e.name for e in experiments]


def test_search_experiments_by_exact_name(client):
    name = unique_name("exact")
    exp_id = client.create_experiment(name)
    client.create_experiment(name + "-other")
    found = client.search_experiments(filter_string=f"name = '{name}'")
    assert [(e.experiment_id, e.name) for e in found] == [(exp_id, name)]


def test_search_experiments_name_like_prefix(client):
    prefix = unique_name("like")
    names = {f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"}
    for n in names:
        client.create_experiment(n)
    client.create_experiment("zz" + prefix)  # contains the prefix but does not start with it
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}%'")
    assert set(_names(found)) == names


def test_search_experiments_by_tag_value(client):
    marker = unique_name("marker")
    wanted = client.create_experiment(unique_name("tagged"), tags={"marker": marker})
    client.create_experiment(unique_name("tagged"), tags={"marker": marker + "-no"})
    client.create_experiment(unique_name("untagged"))
    found = client.search_experiments(filter_string=f"tags.marker = '{marker}'")
    assert [e.experiment_id for e in found] == [wanted]


def test_search_experiments_with_two_conditions_joined_by_and(client):
    prefix = unique_name("and")
    a = client.create_experiment(f"{prefix}-a", tags={"k": "v"})
    client.create_experiment(f"{prefix}-b", tags={"k": "w"})
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}%' AND tags.k = 'v'")
    assert [e.experiment_id for e in found] == [a]


def test_search_experiments_order_by_name_ascending_and_descending(client):
    prefix = unique_name("order")
    for suffix in ["c", "a", "d", "b"]:
        client.create_experiment(f"{prefix}-{suffix}")
    asc = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", order_by=["name ASC"])
    assert _names(asc) == [f"{prefix}-{s}" for s in "abcd"]
    desc = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", order_by=["name DESC"])
    assert _names(desc) == [f"{prefix}-{s}" for s in "dcba"]


def test_search_experiments_default_order_is_newest_first(client):
    prefix = unique_name("default-order")
    created = []
    for i in range(3):
        created.append(client.create_experiment(f"{prefix}-{i}"))
        time.sleep(0.02)  # distinct creation_time values
    found = client.search_experiments(filter_string=f"name LIKE '{prefix}%'")
    assert [e.experiment_id for e in found] == list(reversed(created))


def test_search_experiments_view_type_selects_active_deleted_or_all(client):
    prefix = unique_name("view")
    active = client.create_experiment(f"{prefix}-active")
    deleted = client.create_experiment(f"{prefix}-deleted")
    client.delete_experiment(deleted)
    flt = f"name LIKE '{prefix}%'"

    def ids(view_type):
        return {e.experiment_id for e in client.search_experiments(view_type=view_type, filter_string=flt)}

    assert ids(ViewType.ACTIVE_ONLY) == {active}
    assert ids(ViewType.DELETED_ONLY) == {deleted}
    assert ids(ViewType.ALL) == {active, deleted}
    # default is ACTIVE_ONLY
    assert {e.experiment_id for e in client.search_experiments(filter_string=flt)} == {active}


def test_search_experiments_pages_with_max_results_and_page_token_without_repeats_or_gaps(client):
    prefix = unique_name("page")
    expected = [f"{prefix}-{i:02d}" for i in range(7)]
    for n in expected:
        client.create_experiment(n)
    seen, token, pages = [], None, 0
    while True:
        page = client.search_experiments(
            filter_string=f"name LIKE '{prefix}%'", order_by=["name ASC"], max_results=3, page_token=token
        )
        pages += 1
        assert len(page) <= 3
        seen.extend(_names(page))
        token = page.token
        if not token:
            break
        assert pages < 10, "paging does not terminate"
    assert seen == expected
    assert pages == 3


def test_search_experiments_last_page_has_no_token(client):
    prefix = unique_name("lastpage")
    for i in range(2):
        client.create_experiment(f"{prefix}-{i}")
    page = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=2)
    assert len(page) == 2
    assert not page.token


@pytest.mark.skipif(TARGET == "mlflow", reason="Stride extension: MLflow accepts only AND")
def test_search_experiments_accepts_or_and_parentheses_as_a_stride_extension(client):
    prefix = unique_name("or")
    for suffix in ("a", "b", "c"):
        client.create_experiment(f"{prefix}-{suffix}")
    found = client.search_experiments(
        filter_string=f"(name = '{prefix}-a' OR name = '{prefix}-b') AND NOT name = '{prefix}-b'"
    )
    assert [e.name for e in found] == [f"{prefix}-a"]


@pytest.mark.skipif(TARGET != "mlflow", reason="what real MLflow does with OR")
def test_mlflow_rejects_or_in_experiment_filter(client):
    with pytest.raises(MlflowException) as exc:
        client.search_experiments(filter_string="name = 'a' OR name = 'b'")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Invalid clause(s) in filter string" in exc.value.message


def test_search_experiments_rejects_unquoted_string_value(client):
    with pytest.raises(MlflowException) as exc:
        client.search_experiments(filter_string="name = abc")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"


def test_search_experiments_rejects_unknown_attribute(client):
    with pytest.raises(MlflowException) as exc:
        client.search_experiments(filter_string="foo = 'x'")
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Invalid attribute key 'foo' specified" in exc.value.message


def test_search_experiments_rejects_order_by_tag(client):
    with pytest.raises(MlflowException) as exc:
        client.search_experiments(order_by=["tags.k ASC"])
    assert exc.value.error_code == "INVALID_PARAMETER_VALUE"
