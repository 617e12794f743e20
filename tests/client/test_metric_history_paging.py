"""Metric history at scale over raw HTTP: get-history paging and get-history-bulk-interval sampling.

Complements test_metrics.py (the client reading 30,000 points through its 25,000-point pages) and
test_http_protocol.py (small get-history pages, bulk-interval on one run, the run_ids and
max_results > 2500 errors). Rules: section 4.3 of shared/reference/mlflow-rest-api.md and
mlflow/server/handlers.py (get_metric_history_bulk_interval_handler).
"""

from __future__ import annotations

import math
import uuid
from concurrent.futures import ThreadPoolExecutor

import mlflow
import pytest
from mlflow.entities import Metric

from conftest import unique_name

BASE_TS = 1_600_000_000_000
HISTORY = "/api/2.0/mlflow/metrics/get-history"
BULK_INTERVAL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"

# Points per run of the metric "curve". Step i is logged at BASE_TS + i with value f(i), so the
# (step, timestamp) order and the (timestamp, step) order agree.
CURVE_POINTS = {"long": 5_500, "medium": 1_000, "short": 37}


def value_at(step: int) -> float:
    return step * 0.5 - 7.0


def log_curve(client, run_id, key, points):
    for start in range(0, points, 1000):
        client.log_batch(
            run_id,
            metrics=[Metric(key, value_at(i), BASE_TS + i, i) for i in range(start, min(start + 1000, points))],
        )


@pytest.fixture(scope="module")
def curves(tracking_uri) -> dict[str, str]:
    """Three runs that logged CURVE_POINTS points of "curve"; returns {name: run_id}."""
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    experiment_id = client.create_experiment(unique_name("history"))
    run_ids = {}
    for name, points in CURVE_POINTS.items():
        run_ids[name] = client.create_run(experiment_id, run_name=name).info.run_id
        log_curve(client, run_ids[name], "curve", points)
    return run_ids


def bulk_interval(api, run_ids, **params):
    query = [("run_ids", r) for r in run_ids] + [(k, str(v)) for k, v in params.items()]
    return api.get(BULK_INTERVAL, params=query)


def points_by_run(resp) -> dict[str, list[dict]]:
    assert resp.status_code == 200, resp.text
    by_run: dict[str, list[dict]] = {}
    for point in resp.json().get("metrics", []):
        by_run.setdefault(point["run_id"], []).append(point)
    return by_run


def assert_true_points(points, key="curve"):
    for p in points:
        assert p["key"] == key
        assert p["value"] == value_at(p["step"])
        assert p["timestamp"] == BASE_TS + p["step"]


def assert_invalid(resp, phrase=None):
    assert resp.status_code == 400, f"{resp.status_code}: {resp.text[:300]}"
    body = resp.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    if phrase is not None:
        assert phrase in body["message"]


# --- get-history ----------------------------------------------------------------------------------


def test_get_history_pages_of_1000_visit_every_point_exactly_once_in_order(api, curves):
    run_id, total = curves["long"], CURVE_POINTS["long"]
    steps, sizes, token = [], [], None
    while True:
        params = {"run_id": run_id, "metric_key": "curve", "max_results": 1000}
        if token:
            params["page_token"] = token
        body = api.get(HISTORY, params=params).json()
        sizes.append(len(body["metrics"]))
        assert_true_points(body["metrics"])
        steps.extend(p["step"] for p in body["metrics"])
        token = body.get("next_page_token")
        if not token:
            break
        assert len(sizes) <= total // 1000 + 1, "paging does not terminate"
    assert steps == list(range(total))
    assert sizes == [1000] * 5 + [500]


def test_get_history_without_max_results_returns_every_point_and_no_token(api, curves):
    body = api.get(HISTORY, params={"run_id": curves["long"], "metric_key": "curve"}).json()
    assert [p["step"] for p in body["metrics"]] == list(range(CURVE_POINTS["long"]))
    assert "next_page_token" not in body


def test_get_history_page_size_dividing_the_total_ends_without_a_token(api, curves):
    run_id = curves["medium"]  # 1000 points
    first = api.get(HISTORY, params={"run_id": run_id, "metric_key": "curve", "max_results": 500}).json()
    second = api.get(
        HISTORY,
        params={"run_id": run_id, "metric_key": "curve", "max_results": 500, "page_token": first["next_page_token"]},
    ).json()
    assert [p["step"] for p in first["metrics"] + second["metrics"]] == list(range(1000))
    assert "next_page_token" not in second


# The server reads and sends a page 5,000 points at a time; a page of 5,500 points spans two such
# pieces, and each of these page sizes ends a piece before, at or after the page's own end.
@pytest.mark.parametrize("max_results", [2_600, 4_999, 5_000, 5_001, 5_499, 5_500, 5_501, 25_000])
def test_get_history_pages_longer_than_a_sent_piece_are_exact(api, curves, max_results):
    run_id, total = curves["long"], CURVE_POINTS["long"]
    steps, sizes, tokens, token = [], [], [], None
    while True:
        params = {"run_id": run_id, "metric_key": "curve", "max_results": max_results}
        if token:
            params["page_token"] = token
        resp = api.get(HISTORY, params=params)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert_true_points(body["metrics"])
        sizes.append(len(body["metrics"]))
        steps.extend(p["step"] for p in body["metrics"])
        token = body.get("next_page_token")
        tokens.append(token is not None)
        if not token:
            break
        assert len(sizes) <= total, "paging does not terminate"
    assert steps == list(range(total))
    full, rest = divmod(total, max_results)
    assert sizes == [max_results] * full + ([rest] if rest else [])
    # A token exactly when points follow: MLflow's SQL store reads one point ahead to know.
    assert tokens == [True] * (len(sizes) - 1) + [False]


def test_get_history_max_results_above_the_limit_is_refused_not_streamed(api, curves):
    params = {"run_id": curves["long"], "metric_key": "curve", "max_results": 2**31}
    assert_invalid(api.get(HISTORY, params=params))


@pytest.mark.parametrize("max_results", [0, -5])
def test_get_history_rejects_a_non_positive_max_results(api, curves, max_results):
    assert_invalid(api.get(HISTORY, params={"run_id": curves["short"], "metric_key": "curve", "max_results": max_results}))


def test_get_history_rejects_an_invalid_page_token(api, curves):
    params = {"run_id": curves["short"], "metric_key": "curve", "max_results": 10, "page_token": "not-a-token"}
    assert_invalid(api.get(HISTORY, params=params))


# --- get-history-bulk-interval --------------------------------------------------------------------


def assert_even_sample(points, first, last, max_results):
    """`points` sample steps first..last (one point per step): at most max_results of them, every one
    when they fit, else at least half as many; always the first and last step, in step order, spread
    over the whole range."""
    total = last - first + 1
    steps = [p["step"] for p in points]
    if total <= max_results:
        assert steps == list(range(first, last + 1))
    else:
        assert max_results // 2 <= len(steps) <= max_results
    assert steps[0] == first and steps[-1] == last
    assert steps == sorted(set(steps)), "not in step order, or a step repeated"
    assert_true_points(points)
    bucket = math.ceil(total / max_results)
    assert max([b - a for a, b in zip(steps, steps[1:])], default=0) <= 4 * bucket, "a gap spans several buckets"


@pytest.mark.parametrize("max_results", [2, 10, 100, 2500])
def test_bulk_interval_samples_at_most_max_results_per_run_keeping_first_and_last(api, curves, max_results):
    names = ["long", "medium", "short"]
    by_run = points_by_run(bulk_interval(api, [curves[n] for n in names], metric_key="curve", max_results=max_results))
    assert set(by_run) == {curves[n] for n in names}
    for name in names:
        assert_even_sample(by_run[curves[name]], 0, CURVE_POINTS[name] - 1, max_results)


def test_bulk_interval_answer_longer_than_a_sent_piece_is_whole_and_in_order(api, curves, tracking_uri):
    # 2,500 + 2,500 + 1,000 + 37 points: more than the 5,000 the server writes and sends at a time.
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    second_long = client.create_run(client.get_run(curves["long"]).info.experiment_id, run_name="long-2").info.run_id
    log_curve(client, second_long, "curve", CURVE_POINTS["long"])
    order = [curves["short"], second_long, curves["long"], curves["medium"]]
    points = bulk_interval(api, order, metric_key="curve", max_results=2500).json()["metrics"]
    assert len(points) == 2500 + 2500 + 1000 + 37
    run_sequence = [p["run_id"] for p in points]
    assert [r for i, r in enumerate(run_sequence) if i == 0 or run_sequence[i - 1] != r] == order
    by_run = {}
    for point in points:
        by_run.setdefault(point["run_id"], []).append(point)
    for run_id, name in ((second_long, "long"), (curves["long"], "long"), (curves["medium"], "medium")):
        assert_even_sample(by_run[run_id], 0, CURVE_POINTS[name] - 1, 2500)


def test_bulk_interval_points_of_each_run_come_together_in_the_requested_run_order(api, curves):
    order = [curves["short"], curves["long"], curves["medium"]]
    points = bulk_interval(api, order, metric_key="curve", max_results=20).json()["metrics"]
    run_sequence = [p["run_id"] for p in points]
    assert [r for i, r in enumerate(run_sequence) if i == 0 or run_sequence[i - 1] != r] == order


def test_bulk_interval_with_max_results_1_returns_only_the_last_point(api, curves):
    # MLflow's SQL store: "returns only the last point when max_results == 1".
    by_run = points_by_run(bulk_interval(api, [curves["long"], curves["short"]], metric_key="curve", max_results=1))
    assert [p["step"] for p in by_run[curves["long"]]] == [CURVE_POINTS["long"] - 1]
    assert [p["step"] for p in by_run[curves["short"]]] == [CURVE_POINTS["short"] - 1]


def test_bulk_interval_defaults_to_2500_points_per_run(api, curves):
    by_run = points_by_run(bulk_interval(api, [curves["long"], curves["medium"]], metric_key="curve"))
    assert_even_sample(by_run[curves["long"]], 0, CURVE_POINTS["long"] - 1, 2500)
    assert_even_sample(by_run[curves["medium"]], 0, CURVE_POINTS["medium"] - 1, 2500)  # all 1000 points


def test_bulk_interval_start_and_end_step_limit_the_sampled_range(api, curves):
    by_run = points_by_run(
        bulk_interval(api, [curves["long"], curves["short"]], metric_key="curve",
                      start_step=1000, end_step=1999, max_results=100)
    )
    assert_even_sample(by_run[curves["long"]], 1000, 1999, 100)
    assert curves["short"] not in by_run  # its 37 steps all lie before the range


def test_bulk_interval_range_smaller_than_max_results_returns_every_point_in_it(api, curves):
    by_run = points_by_run(
        bulk_interval(api, [curves["medium"]], metric_key="curve", start_step=10, end_step=19, max_results=100)
    )
    assert_even_sample(by_run[curves["medium"]], 10, 19, 100)


def test_bulk_interval_of_an_unlogged_key_is_empty(api, curves):
    assert points_by_run(bulk_interval(api, [curves["short"]], metric_key="never-logged")) == {}


def test_bulk_interval_accepts_100_run_ids(api, curves, tracking_uri):
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    experiment_id = client.create_experiment(unique_name("hundred"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        empty_runs = list(pool.map(lambda _: client.create_run(experiment_id).info.run_id, range(99)))
    by_run = points_by_run(bulk_interval(api, [curves["short"], *empty_runs], metric_key="curve", max_results=5))
    assert list(by_run) == [curves["short"]]
    assert_even_sample(by_run[curves["short"]], 0, CURVE_POINTS["short"] - 1, 5)


@pytest.mark.parametrize(
    "params, phrase",
    [
        pytest.param({"metric_key": None}, "metric_key", id="missing metric_key"),
        pytest.param({"run_ids": []}, "run_ids", id="missing run_ids"),
        pytest.param({"run_ids": [uuid.uuid4().hex for _ in range(101)]}, "at most 100 run_ids", id="101 run_ids"),
        pytest.param({"max_results": 0}, "max_results must be between 1 and 2500", id="max_results 0"),
        pytest.param({"max_results": -1}, "max_results must be between 1 and 2500", id="max_results -1"),
        pytest.param({"max_results": 2501}, "max_results must be between 1 and 2500", id="max_results 2501"),
        pytest.param({"start_step": 5}, None, id="start_step without end_step"),
        pytest.param({"end_step": 5}, None, id="end_step without start_step"),
        pytest.param({"start_step": 9, "end_step": 3}, None, id="start_step after end_step"),
    ],
)
def test_bulk_interval_rejects_invalid_arguments(api, curves, params, phrase):
    args = {"run_ids": [curves["short"]], "metric_key": "curve", **params}
    run_ids = args.pop("run_ids")
    args = {k: v for k, v in args.items() if v is not None}
    assert_invalid(bulk_interval(api, run_ids, **args), phrase)
