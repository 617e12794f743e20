"""Metrics: values, steps, special floats, the latest-value rule and history paging."""

from __future__ import annotations

import math
import time

import mlflow
import pytest
from mlflow.entities import Metric
from mlflow.exceptions import MlflowException

from conftest import TARGET

DOUBLE_MAX = 1.7976931348623157e308


def history(client, run_id, key):
    return [(m.step, m.timestamp, m.value) for m in client.get_metric_history(run_id, key)]


def test_log_metric_stores_value_step_and_timestamp(run_id, client):
    client.log_metric(run_id, "loss", 0.25, timestamp=1700000000123, step=7)
    (m,) = client.get_metric_history(run_id, "loss")
    assert (m.key, m.value, m.timestamp, m.step) == ("loss", 0.25, 1700000000123, 7)
    assert client.get_run(run_id).data.metrics == {"loss": 0.25}


def test_fluent_log_metric_defaults_step_to_zero_and_timestamp_to_now(experiment_id, client):
    before = int(time.time() * 1000)
    with mlflow.start_run() as run:
        mlflow.log_metric("acc", 0.9)
    (m,) = client.get_metric_history(run.info.run_id, "acc")
    assert m.step == 0
    assert m.value == 0.9
    assert before - 5000 <= m.timestamp <= int(time.time() * 1000) + 5000


def test_async_logging_arrives_complete_after_end_run(experiment_id, client):
    # synchronous=False queues the calls and sends them as runs/log-batch.
    with mlflow.start_run() as run:
        for step in range(20):
            mlflow.log_metric("async_m", float(step), step=step, synchronous=False)
        mlflow.log_param("async_p", "v", synchronous=False)
        mlflow.set_tag("async_t", "w", synchronous=False)
    fetched = client.get_run(run.info.run_id)
    assert fetched.data.metrics["async_m"] == 19.0
    assert fetched.data.params["async_p"] == "v"
    assert fetched.data.tags["async_t"] == "w"
    assert [m.step for m in client.get_metric_history(run.info.run_id, "async_m")] == list(range(20))


def test_integer_metric_value_reads_back_as_float(run_id, client):
    client.log_metric(run_id, "count", 3)
    value = client.get_run(run_id).data.metrics["count"]
    assert value == 3.0 and isinstance(value, float)


def test_log_metrics_with_step_logs_every_key_at_that_step(experiment_id, client):
    with mlflow.start_run() as run:
        mlflow.log_metrics({"m1": 1.0, "m2": 2.0}, step=3)
        mlflow.log_metrics({"m1": 1.5, "m2": 2.5}, step=4)
    rid = run.info.run_id
    assert [(s, v) for s, _, v in history(client, rid, "m1")] == [(3, 1.0), (4, 1.5)]
    assert [(s, v) for s, _, v in history(client, rid, "m2")] == [(3, 2.0), (4, 2.5)]
    assert client.get_run(rid).data.metrics == {"m1": 1.5, "m2": 2.5}


def test_nan_metric_reads_back_as_nan(run_id, client):
    client.log_metric(run_id, "nan", float("nan"), timestamp=1, step=0)
    assert math.isnan(client.get_run(run_id).data.metrics["nan"])
    (m,) = client.get_metric_history(run_id, "nan")
    assert math.isnan(m.value)


@pytest.mark.parametrize("sign", [1, -1], ids=["+inf", "-inf"])
def test_infinite_metric_reads_back_as_infinity_or_clamped_double_max(run_id, client, sign):
    # MLflow's SQL store clamps +-inf to +-1.7976931348623157e308; Stride may keep
    # the infinity. The client accepts both.
    client.log_metric(run_id, "inf", sign * float("inf"), timestamp=1, step=0)
    value = client.get_run(run_id).data.metrics["inf"]
    assert value in (sign * float("inf"), sign * DOUBLE_MAX)
    (m,) = client.get_metric_history(run_id, "inf")
    assert m.value in (sign * float("inf"), sign * DOUBLE_MAX)


def test_negative_and_zero_values_and_negative_steps(run_id, client):
    client.log_metric(run_id, "m", -2.5, timestamp=10, step=-3)
    client.log_metric(run_id, "m", 0.0, timestamp=11, step=-1)
    assert history(client, run_id, "m") == [(-3, 10, -2.5), (-1, 11, 0.0)]


def test_extreme_finite_values_round_trip_exactly(run_id, client):
    values = [1e-300, 123456789.123456789, -DOUBLE_MAX, 5e-324, 0.1 + 0.2]
    for i, v in enumerate(values):
        client.log_metric(run_id, "x", v, timestamp=100 + i, step=i)
    assert [v for _, _, v in history(client, run_id, "x")] == values


def test_many_steps_are_all_kept_in_order(experiment_id, client):
    with mlflow.start_run() as run:
        for step in range(300):
            mlflow.log_metric("curve", step * 0.5, step=step, timestamp=1_000_000 + step)
    hist = history(client, run.info.run_id, "curve")
    assert [s for s, _, _ in hist] == list(range(300))
    assert [v for _, _, v in hist] == [s * 0.5 for s in range(300)]
    assert client.get_run(run.info.run_id).data.metrics["curve"] == 299 * 0.5


def test_latest_metric_is_the_one_with_the_highest_step_not_the_newest(run_id, client):
    client.log_metric(run_id, "m", 1.0, timestamp=100, step=5)
    client.log_metric(run_id, "m", 2.0, timestamp=200, step=3)  # newer but lower step
    assert client.get_run(run_id).data.metrics["m"] == 1.0


def test_latest_metric_at_equal_step_is_the_one_with_the_highest_timestamp(run_id, client):
    client.log_metric(run_id, "m", 1.0, timestamp=300, step=5)
    client.log_metric(run_id, "m", 9.0, timestamp=150, step=5)  # same step, older
    assert client.get_run(run_id).data.metrics["m"] == 1.0
    client.log_metric(run_id, "m", 0.5, timestamp=400, step=5)
    assert client.get_run(run_id).data.metrics["m"] == 0.5


def test_latest_metric_at_equal_step_and_timestamp_is_the_highest_value(run_id, client):
    client.log_metric(run_id, "m", 0.7, timestamp=100, step=1)
    client.log_metric(run_id, "m", 0.3, timestamp=100, step=1)
    assert client.get_run(run_id).data.metrics["m"] == 0.7
    client.log_metric(run_id, "m", 0.9, timestamp=100, step=1)
    assert client.get_run(run_id).data.metrics["m"] == 0.9


def test_get_run_latest_metric_carries_its_step_and_timestamp(run_id, client, api):
    client.log_metric(run_id, "m", 1.0, timestamp=100, step=1)
    client.log_metric(run_id, "m", 2.0, timestamp=200, step=4)
    body = api.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()
    assert body["run"]["data"]["metrics"] == [{"key": "m", "value": 2.0, "timestamp": 200, "step": 4}]


def test_duplicate_metric_points_are_ignored_in_history(run_id, client):
    for _ in range(3):
        client.log_metric(run_id, "dup", 1.5, timestamp=1000, step=2)
    client.log_batch(run_id, metrics=[Metric("dup", 1.5, 1000, 2), Metric("dup", 1.5, 1000, 2)])
    assert history(client, run_id, "dup") == [(2, 1000, 1.5)]


def test_same_step_and_timestamp_with_different_values_are_all_kept(run_id, client):
    client.log_metric(run_id, "m", 1.0, timestamp=1000, step=2)
    client.log_metric(run_id, "m", 2.0, timestamp=1000, step=2)
    assert sorted(v for _, _, v in history(client, run_id, "m")) == [1.0, 2.0]


def test_metric_history_order(run_id, client):
    client.log_batch(
        run_id,
        metrics=[
            Metric("h", 3.0, 300, 1),
            Metric("h", 1.0, 100, 9),
            Metric("h", 2.0, 200, 0),
            Metric("h", 4.0, 200, 5),
        ],
    )
    if TARGET == "mlflow":
        # MLflow orders by (timestamp, step, value).
        assert history(client, run_id, "h") == [(9, 100, 1.0), (0, 200, 2.0), (5, 200, 4.0), (1, 300, 3.0)]
    else:
        # Stride streams history in (step, timestamp, value) order, the order of its index, so
        # paging is an index range scan (docs/compatibility.md, "Deliberate differences").
        assert history(client, run_id, "h") == [(0, 200, 2.0), (1, 300, 3.0), (5, 200, 4.0), (9, 100, 1.0)]


def test_metric_history_of_unknown_key_is_empty(run_id, client):
    assert client.get_metric_history(run_id, "never-logged") == []


def test_metric_history_of_unknown_run_is_empty_not_an_error(client, tracking_uri):
    # MLflow's get-history does not look the run up: it answers 200 {} for any run id.
    assert client.get_metric_history("0123456789abcdef0123456789abcdef", "m") == []


def test_log_metric_to_unknown_run_is_resource_does_not_exist(client, tracking_uri):
    with pytest.raises(MlflowException) as exc:
        client.log_metric("0123456789abcdef0123456789abcdef", "m", 1.0)
    assert exc.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "Run with id=0123456789abcdef0123456789abcdef not found" in exc.value.message


def test_metric_history_over_25000_points_is_returned_complete_and_in_order(run_id, client):
    # The client asks for 25,000 points per page and follows next_page_token.
    total, chunk = 30_000, 1000
    base_ts = 1_600_000_000_000
    for start in range(0, total, chunk):
        client.log_batch(
            run_id,
            metrics=[Metric("big", float(i), base_ts + i, i) for i in range(start, start + chunk)],
        )
    points = client.get_metric_history(run_id, "big")
    assert len(points) == total
    assert [m.step for m in points] == list(range(total))
    assert [m.timestamp for m in points[:3]] == [base_ts, base_ts + 1, base_ts + 2]
    assert points[-1].value == float(total - 1)
    assert client.get_run(run_id).data.metrics["big"] == float(total - 1)
