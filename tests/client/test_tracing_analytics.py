"""MLflow 3.12's tracing additions through the real client: the text, span and assessment terms
of the trace filter, trace metrics, filter correlation, the trace artifact route, prompt links,
links to runs made before the spans arrive, and the legacy 2.0 start/end routes."""

from __future__ import annotations

import json
import math

import mlflow
import pytest
from mlflow.entities import AssessmentSource, SpanType
from mlflow.entities.trace_metrics import AggregationType, MetricAggregation, MetricViewType
from mlflow.entities.trace_status import TraceStatus
from mlflow.exceptions import MlflowException
from mlflow.tracing.client import TracingClient


def _flush():
    mlflow.flush_trace_async_logging(terminate=False)


def _span(name: str, attributes: dict, span_type: str = SpanType.UNKNOWN, error: bool = False) -> str:
    try:
        with mlflow.start_span(name=name, span_type=span_type) as span:
            span.set_attributes(attributes)
            if error:
                raise ValueError("boom")
    except ValueError:
        pass
    return span.trace_id


def _ids(traces) -> set[str]:
    return {t.info.trace_id for t in traces}


def test_trace_text_and_span_terms_filter_traces(experiment_id):
    first = _span("fetch-one", {"topic": "value1"}, SpanType.RETRIEVER)
    second = _span("fetch-two", {"topic": "value2"}, SpanType.TOOL)
    third = _span("reply", {"note": "I like it"}, SpanType.LLM, error=True)
    _flush()

    def search(filter_string):
        return _ids(mlflow.search_traces(locations=[experiment_id], filter_string=filter_string, return_type="list"))

    assert search("trace.text LIKE '%value%'") == {first, second}
    assert search("trace.text LIKE '%I like it%'") == {third}
    assert search("span.name LIKE 'fetch-%'") == {first, second}
    assert search("span.type = 'LLM'") == {third}
    assert search("span.status = 'ERROR'") == {third}
    assert search("span.attributes.topic = 'value2'") == {second}
    assert search("span.content ILIKE '%VALUE1%' OR span.name = 'reply'") == {first, third}
    with pytest.raises(MlflowException, match="span"):
        search("span.kind = 'x'")


def test_feedback_and_expectation_terms_filter_traces(experiment_id):
    good = _span("a", {"k": "v"})
    bad = _span("b", {"k": "v"})
    _flush()
    mlflow.log_feedback(trace_id=good, name="correct", value=True, source=AssessmentSource(source_type="HUMAN", source_id="r"))
    mlflow.log_feedback(trace_id=bad, name="correct", value=False, source=AssessmentSource(source_type="HUMAN", source_id="r"))
    mlflow.log_feedback(trace_id=good, name="score", value=4.5)
    mlflow.log_expectation(trace_id=bad, name="answer", value="42")

    def search(filter_string):
        return _ids(mlflow.search_traces(locations=[experiment_id], filter_string=filter_string, return_type="list"))

    assert search("feedback.correct = 'true'") == {good}
    assert search("feedback.score > 4") == {good}
    assert search("expectation.answer IS NOT NULL") == {bad}
    assert search("expectation.answer = '42'") == {bad}
    assert search("feedback.score IS NULL") == {bad}


def test_trace_metrics_count_by_status_and_aggregate_latency(client, experiment_id):
    for name, error in [("ok-1", False), ("ok-2", False), ("bad", True)]:
        _span(name, {"x": 1}, error=error)
    _flush()
    store = client._tracing_client.store
    points = store.query_trace_metrics(
        experiment_ids=[experiment_id], view_type=MetricViewType.TRACES, metric_name="trace_count",
        aggregations=[MetricAggregation(aggregation_type=AggregationType.COUNT)], dimensions=["trace_status"])
    assert [(p.dimensions, p.values) for p in points] == [({"trace_status": "ERROR"}, {"COUNT": 1}), ({"trace_status": "OK"}, {"COUNT": 2})]

    latency = store.query_trace_metrics(
        experiment_ids=[experiment_id], view_type=MetricViewType.TRACES, metric_name="latency",
        aggregations=[MetricAggregation(aggregation_type=AggregationType.MAX),
                      MetricAggregation(aggregation_type=AggregationType.PERCENTILE, percentile_value=50)],
        dimensions=["trace_name"])
    assert sorted(p.dimensions["trace_name"] for p in latency) == ["bad", "ok-1", "ok-2"]
    assert all(set(p.values) == {"MAX", "P50.0"} for p in latency)

    spans = store.query_trace_metrics(
        experiment_ids=[experiment_id], view_type=MetricViewType.SPANS, metric_name="span_count",
        aggregations=[MetricAggregation(aggregation_type=AggregationType.COUNT)], dimensions=["span_status"],
        filters=["span.name = 'bad'"])
    assert [(p.dimensions, p.values) for p in spans] == [({"span_status": "ERROR"}, {"COUNT": 1})]

    with pytest.raises(MlflowException, match="invalid aggregation_type"):
        store.query_trace_metrics(
            experiment_ids=[experiment_id], view_type=MetricViewType.TRACES, metric_name="trace_count",
            aggregations=[MetricAggregation(aggregation_type=AggregationType.AVG)])


def test_filter_correlation_measures_npmi(tracking_uri, experiment_id):
    for env, kind in [("prod", "TOOL")] * 6 + [("dev", "TOOL")] + [("dev", "LLM")] * 3:
        with mlflow.start_span(name="t") as span:
            mlflow.update_current_trace(tags={"env": env, "kind": kind})
    _flush()
    tracing = TracingClient(tracking_uri=tracking_uri)
    result = tracing.calculate_trace_filter_correlation(
        experiment_ids=[experiment_id], filter_string1="tags.env = 'prod'", filter_string2="tags.kind = 'TOOL'")
    assert (result.total_count, result.filter1_count, result.filter2_count, result.joint_count) == (10, 6, 7, 6)
    assert 0.6 < result.npmi < 0.8
    none = tracing.calculate_trace_filter_correlation(
        experiment_ids=[experiment_id], filter_string1="tags.env = 'staging'", filter_string2="tags.kind = 'TOOL'")
    assert none.filter1_count == 0 and math.isnan(none.npmi)
    with pytest.raises(MlflowException, match="Invalid"):
        tracing.calculate_trace_filter_correlation(
            experiment_ids=[experiment_id], filter_string1="invalid.filter = 'x'", filter_string2="tags.kind = 'TOOL'")


def test_the_trace_artifact_route_serves_traces_json_from_stored_spans(api, experiment_id):
    with mlflow.start_span(name="with-event") as span:
        span.set_attributes({"fruit": "apple", "count": 3})
        span.add_event(mlflow.entities.SpanEvent("picked", timestamp=99999, attributes={"by": "me"}))
    _flush()
    response = api.get("/ajax-api/2.0/mlflow/get-trace-artifact", params={"request_id": span.trace_id})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=traces.json"
    data = mlflow.entities.TraceData.from_dict(json.loads(response.text))
    assert data.spans[0].to_dict() == span.to_dict()
    missing = api.get("/ajax-api/2.0/mlflow/get-trace-artifact", params={"request_id": "tr-" + "0" * 32})
    assert missing.status_code == 404


def test_a_trace_linked_to_a_run_before_its_spans_arrive_is_found_by_run(client, experiment_id):
    run_id = client.create_run(experiment_id).info.run_id
    with mlflow.start_span(name="late") as span:
        span.set_attributes({"k": "v"})
    client.link_traces_to_run(trace_ids=[span.trace_id], run_id=run_id)
    _flush()
    linked = mlflow.search_traces(locations=[experiment_id], filter_string=f"attribute.run_id = '{run_id}'", return_type="list")
    assert _ids(linked) == {span.trace_id}
    client.delete_traces(experiment_id, trace_ids=[span.trace_id])
    assert mlflow.search_traces(locations=[experiment_id], filter_string=f"attribute.run_id = '{run_id}'", return_type="list") == []


def test_prompt_versions_link_to_a_trace_and_filter_it(api, experiment_id):
    trace_id = _span("uses-prompt", {"k": "v"})
    _flush()
    body = {"trace_id": trace_id, "prompt_versions": [{"name": "qa", "version": "3"}]}
    assert api.post("/api/2.0/mlflow/traces/link-prompts", json=body).status_code == 200
    assert api.post("/api/2.0/mlflow/traces/link-prompts", json=body).status_code == 200
    found = mlflow.search_traces(locations=[experiment_id], filter_string="trace.prompt = 'qa/3'", return_type="list")
    assert _ids(found) == {trace_id}
    unknown = api.post("/api/2.0/mlflow/traces/link-prompts", json={**body, "trace_id": "tr-" + "0" * 32})
    assert unknown.status_code == 404
    bad = api.post("/api/2.0/mlflow/traces/link-prompts", json={**body, "prompt_versions": [{"name": "qa", "version": "x"}]})
    assert bad.status_code == 400


def test_an_expectation_holding_a_map_comes_back_serialized(api, experiment_id):
    trace_id = _span("expects", {"k": "v"})
    _flush()
    created = api.post(f"/api/3.0/mlflow/traces/{trace_id}/assessments", json={"assessment": {
        "assessment_name": "limits", "expectation": {"value": {"threshold_ms": 1000, "passed": True}},
        "source": {"source_type": "CODE", "source_id": "test"}}})
    assert created.status_code == 200
    serialized = created.json()["assessment"]["expectation"]["serialized_value"]
    assert serialized["serialization_format"] == "JSON_FORMAT"
    assert json.loads(serialized["value"]) == {"threshold_ms": 1000, "passed": True}
    assert mlflow.get_trace(trace_id).info.assessments[0].value == {"threshold_ms": 1000, "passed": True}


def test_the_legacy_start_and_end_routes_record_a_trace(client, experiment_id):
    store = client._tracing_client.store
    started = store.deprecated_start_trace_v2(
        experiment_id=experiment_id, timestamp_ms=1000, request_metadata={"m1": "a"}, tags={"t1": "x"})
    assert started.request_id.startswith("tr-")
    assert started.execution_time_ms == 0
    assert started.request_metadata == {"m1": "a"}
    ended = store.deprecated_end_trace_v2(
        request_id=started.request_id, timestamp_ms=3000, status=TraceStatus.OK, request_metadata={"m2": "b"}, tags={"t1": "y"})
    assert ended.execution_time_ms == 2000
    assert ended.request_metadata == {"m1": "a", "m2": "b"}
    assert {k: v for k, v in ended.tags.items() if not k.startswith("mlflow.")} == {"t1": "y"}
    assert client._tracing_client.get_trace_info(started.request_id).state.value == "OK"
