"""MLflow 3 tracing through the real client: traced functions, spans, search, tags, deletion,
assessments and links to runs."""

from __future__ import annotations

import time

import mlflow
import pytest
from mlflow.entities import AssessmentSource, SpanType
from mlflow.exceptions import MlflowException

from conftest import unique_name


def _flush():
    mlflow.flush_trace_async_logging(terminate=False)


def _traced_pipeline(question: str) -> str:
    @mlflow.trace(name="retrieve", span_type=SpanType.RETRIEVER)
    def retrieve(text):
        return [f"doc about {text}"]

    @mlflow.trace(name="answer", span_type=SpanType.CHAIN)
    def answer(text):
        docs = retrieve(text)
        return f"{text}: {len(docs)} doc"

    return answer(question)


def test_a_traced_function_with_nested_spans_is_stored_and_read_back(experiment_id):
    assert _traced_pipeline("tides") == "tides: 1 doc"
    _flush()
    trace_id = mlflow.get_last_active_trace_id()
    trace = mlflow.get_trace(trace_id)
    assert trace.info.trace_id == trace_id
    assert trace.info.experiment_id == experiment_id
    assert trace.info.state.value == "OK"
    assert trace.info.tags["mlflow.traceName"] == "answer"
    assert trace.info.tags["mlflow.artifactLocation"].endswith(f"/{experiment_id}/traces/{trace_id}/artifacts")
    assert trace.info.trace_metadata["mlflow.trace.infoFinalized"] == "true"
    names = {span.name: span for span in trace.data.spans}
    assert set(names) == {"answer", "retrieve"}
    assert names["retrieve"].parent_id == names["answer"].span_id
    assert names["retrieve"].inputs == {"text": "tides"}
    assert names["answer"].outputs == "tides: 1 doc"


def test_start_span_keeps_attributes_and_events(experiment_id):
    with mlflow.start_span(name="tool-call", span_type=SpanType.TOOL) as span:
        span.set_inputs({"city": "Oslo"})
        span.set_attributes({"units": "metric", "retries": 2})
        span.add_event(mlflow.entities.SpanEvent(name="cache-miss", attributes={"key": "oslo"}))
        span.set_outputs({"temperature": -3})
    _flush()
    trace = mlflow.get_trace(span.trace_id)
    stored = trace.data.spans[0]
    assert stored.name == "tool-call"
    assert stored.span_type == SpanType.TOOL
    assert stored.attributes["units"] == "metric"
    assert stored.attributes["retries"] == 2
    assert stored.outputs == {"temperature": -3}
    assert [event.name for event in stored.events] == ["cache-miss"]
    assert stored.events[0].attributes == {"key": "oslo"}


def test_an_exception_in_a_span_marks_the_trace_as_error(experiment_id):
    @mlflow.trace
    def fails():
        raise ValueError("the tide is out")

    with pytest.raises(ValueError):
        fails()
    _flush()
    trace = mlflow.get_trace(mlflow.get_last_active_trace_id())
    assert trace.info.state.value == "ERROR"
    assert trace.data.spans[0].status.status_code.value == "ERROR"
    assert any(event.name == "exception" for event in trace.data.spans[0].events)


def _three_traces():
    ids = []
    for name, delay in [("alpha", 0.0), ("beta", 0.05), ("gamma", 0.0)]:
        @mlflow.trace(name=name)
        def work(x):
            time.sleep(delay)
            return x

        work(1)
        ids.append(mlflow.get_last_active_trace_id())
        # Traces are ordered by their start in whole milliseconds, ties by id: each starts in a later millisecond.
        time.sleep(0.005)
    _flush()
    return ids


def test_search_traces_filters_and_orders(experiment_id):
    alpha, beta, gamma = _three_traces()
    everything = mlflow.search_traces(locations=[experiment_id], return_type="list")
    assert [t.info.trace_id for t in everything] == [gamma, beta, alpha]

    by_name = mlflow.search_traces(locations=[experiment_id], filter_string="trace.name = 'beta'", return_type="list")
    assert [t.info.trace_id for t in by_name] == [beta]
    assert by_name[0].data.spans[0].name == "beta"

    slow = mlflow.search_traces(locations=[experiment_id], filter_string="trace.execution_time_ms >= 50", return_type="list")
    assert [t.info.trace_id for t in slow] == [beta]

    oldest_first = mlflow.search_traces(locations=[experiment_id], order_by=["timestamp_ms ASC"], return_type="list")
    assert [t.info.trace_id for t in oldest_first] == [alpha, beta, gamma]

    either = mlflow.search_traces(
        locations=[experiment_id], filter_string="trace.name = 'alpha' OR trace.name = 'gamma'", order_by=["name DESC"],
        return_type="list")
    assert [t.info.trace_id for t in either] == [gamma, alpha]

    ok = mlflow.search_traces(locations=[experiment_id], filter_string="trace.status = 'OK'", return_type="list")
    assert len(ok) == 3


def test_search_traces_pages_with_keyset_tokens(client, experiment_id):
    ids = _three_traces()
    first = client.search_traces(locations=[experiment_id], max_results=2, order_by=["timestamp_ms ASC"])
    assert [t.info.trace_id for t in first] == ids[:2]
    assert first.token
    second = client.search_traces(locations=[experiment_id], max_results=2, order_by=["timestamp_ms ASC"], page_token=first.token)
    assert [t.info.trace_id for t in second] == ids[2:]
    assert not second.token


def test_trace_tags_are_set_and_deleted(client, experiment_id):
    trace_id = _three_traces()[0]
    client.set_trace_tag(trace_id, "reviewed", "yes")
    assert mlflow.get_trace(trace_id).info.tags["reviewed"] == "yes"
    tagged = mlflow.search_traces(locations=[experiment_id], filter_string="tags.reviewed = 'yes'", return_type="list")
    assert [t.info.trace_id for t in tagged] == [trace_id]
    client.delete_trace_tag(trace_id, "reviewed")
    assert "reviewed" not in mlflow.get_trace(trace_id).info.tags


def test_delete_traces_by_id_and_by_age(client, experiment_id):
    alpha, beta, gamma = _three_traces()
    assert client.delete_traces(experiment_id, trace_ids=[alpha]) == 1
    assert mlflow.get_trace(alpha, silent=True) is None
    assert client.delete_traces(experiment_id, max_timestamp_millis=int(time.time() * 1000), max_traces=1) == 1
    remaining = mlflow.search_traces(locations=[experiment_id], return_type="list")
    assert [t.info.trace_id for t in remaining] == [gamma]


def test_feedback_and_expectations_come_back_with_the_trace(experiment_id):
    trace_id = _three_traces()[0]
    feedback = mlflow.log_feedback(
        trace_id=trace_id, name="relevance", value=0.8, rationale="mostly on topic",
        source=AssessmentSource(source_type="HUMAN", source_id="reviewer@example.com"))
    expectation = mlflow.log_expectation(trace_id=trace_id, name="expected_answer", value={"answer": "1"})
    assessments = {a.name: a for a in mlflow.get_trace(trace_id).info.assessments}
    assert assessments["relevance"].value == 0.8
    assert assessments["relevance"].rationale == "mostly on topic"
    assert assessments["relevance"].source.source_id == "reviewer@example.com"
    assert assessments["expected_answer"].value == {"answer": "1"}

    fetched = mlflow.get_assessment(trace_id, feedback.assessment_id)
    assert fetched.value == 0.8
    updated = mlflow.update_assessment(
        trace_id=trace_id, assessment_id=feedback.assessment_id,
        assessment=mlflow.entities.Feedback(name="relevance", value=0.3))
    assert updated.value == 0.3
    assert mlflow.get_assessment(trace_id, feedback.assessment_id).value == 0.3

    mlflow.delete_assessment(trace_id=trace_id, assessment_id=expectation.assessment_id)
    assert [a.name for a in mlflow.get_trace(trace_id).info.assessments] == ["relevance"]
    with pytest.raises(MlflowException, match="not found"):
        mlflow.get_assessment(trace_id, expectation.assessment_id)


def test_traces_recorded_in_a_run_and_linked_to_a_run_are_found_by_run(client, experiment_id):
    with mlflow.start_run() as run:
        _traced_pipeline("inside")
        inside = mlflow.get_last_active_trace_id()
    outside = _three_traces()[0]
    other_run = client.create_run(experiment_id).info.run_id
    client.link_traces_to_run(trace_ids=[outside], run_id=other_run)
    _flush()
    recorded = mlflow.search_traces(locations=[experiment_id], run_id=run.info.run_id, return_type="list")
    assert [t.info.trace_id for t in recorded] == [inside]
    linked = mlflow.search_traces(locations=[experiment_id], run_id=other_run, return_type="list")
    assert [t.info.trace_id for t in linked] == [outside]


def test_a_trace_of_an_unknown_experiment_or_id_is_refused(api, experiment_id):
    missing = api.get("/api/3.0/mlflow/traces/tr-00000000000000000000000000000000")
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    body = {"trace": {"trace_info": {
        "trace_id": "tr-" + "a" * 32, "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "987654"}},
        "request_time": "2026-12-03T10:00:00Z", "state": "OK"}}}
    unknown = api.post("/api/3.0/mlflow/traces", json=body)
    assert unknown.status_code == 404
    body["trace"]["trace_info"]["trace_location"]["mlflow_experiment"]["experiment_id"] = experiment_id
    body["trace"]["trace_info"]["request_time"] = "yesterday"
    bad_time = api.post("/api/3.0/mlflow/traces", json=body)
    assert bad_time.status_code == 400
    assert bad_time.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert api.get("/api/3.0/mlflow/traces/tr-" + "a" * 32).status_code == 404
    bad_filter = api.post("/api/3.0/mlflow/traces/search", json={
        "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}],
        "filter": "metrics.loss > 1"})
    assert bad_filter.status_code == 400
    assert "Invalid entity type" in bad_filter.json()["message"]
