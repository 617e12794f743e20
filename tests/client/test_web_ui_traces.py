"""The web UI's traces tab and trace page, over traces the pinned client records: a traced function
with nested spans, `start_span` with attributes and events, a failing span, token usage, feedback,
a trace recorded in a run, hostile text, filters and project scoping."""

from __future__ import annotations

import html
import re
import time

import mlflow
import pytest
from mlflow.entities import AssessmentSource, SpanType
from mlflow.tracing.constant import SpanAttributeKey

from conftest import unique_name

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def _needs_traces(api, experiment_id):
    body = {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}]}
    if api.post("/api/3.0/mlflow/traces/search", json=body).status_code != 200:
        pytest.skip("this server's backend store does not hold traces")


def _flush():
    mlflow.flush_trace_async_logging(terminate=False)


def _record_traces() -> dict[str, str]:
    """Three traces: a nested pipeline with hostile input, a tool call with attributes, events and
    token usage, and a failure; answers their ids by name."""

    @mlflow.trace(name="retrieve", span_type=SpanType.RETRIEVER)
    def retrieve(text):
        return [f"doc about {text}"]

    @mlflow.trace(name="answer", span_type=SpanType.CHAIN)
    def answer(text):
        return f"{len(retrieve(text))} doc"

    ids = {}
    answer(HOSTILE)
    ids["answer"] = mlflow.get_last_active_trace_id()
    # Traces are ordered by their start in whole milliseconds, ties by id: each starts in a later millisecond.
    time.sleep(0.005)
    with mlflow.start_span(name="tool-call", span_type=SpanType.CHAT_MODEL) as span:
        span.set_inputs({"city": "Oslo"})
        span.set_attributes({"units": "metric", "retries": 2})
        span.set_attribute(SpanAttributeKey.CHAT_USAGE, {"input_tokens": 11, "output_tokens": 31, "total_tokens": 42})
        span.add_event(mlflow.entities.SpanEvent(name="cache-miss", attributes={"key": "oslo"}))
        span.set_outputs({"temperature": -3})
    ids["tool-call"] = span.trace_id
    time.sleep(0.005)

    @mlflow.trace(name="fails")
    def fails():
        raise ValueError("the tide is out")

    with pytest.raises(ValueError):
        fails()
    ids["fails"] = mlflow.get_last_active_trace_id()
    _flush()
    return ids


def _text(page) -> str:
    """The page's text with markup removed and entities decoded, for asserting what a reader sees."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.text))


def test_the_traces_tab_lists_filters_and_orders_traces(api, experiment_id):
    ids = _record_traces()
    page = api.get(f"/experiments/{experiment_id}/traces")
    assert page.status_code == 200
    for trace_id in ids.values():
        assert f'href="/traces/{trace_id}"' in page.text
    assert page.text.index(">fails</a>") < page.text.index(">tool-call</a>") < page.text.index(">answer</a>")
    assert '<span class="status trace-error">ERROR</span>' in page.text
    assert '<td class="num">42</td>' in page.text, "the trace's token usage"

    errors = api.get(f"/experiments/{experiment_id}/traces", params={"filter": "trace.status = 'ERROR'"})
    assert ">fails</a>" in errors.text
    assert ">answer</a>" not in errors.text and ">tool-call</a>" not in errors.text

    by_name = api.get(f"/experiments/{experiment_id}/traces", params={"sort": "name", "dir": "asc"})
    assert by_name.text.index(">answer</a>") < by_name.text.index(">fails</a>") < by_name.text.index(">tool-call</a>")

    bad = api.get(f"/experiments/{experiment_id}/traces", params={"filter": "metrics.loss > 1"})
    assert bad.status_code == 200
    assert '<div class="error" role="alert">' in bad.text
    assert "Invalid entity type" in bad.text


def test_the_trace_page_draws_the_span_tree_and_escapes_what_the_spans_carry(api, experiment_id):
    ids = _record_traces()
    page = api.get(f"/traces/{ids['answer']}")
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="waterfall"' in page.text
    assert page.text.count('<g class="wf-row') == 2
    names = re.findall(r'<text class="wf-name"[^>]*>([^<]*)</text>', page.text)
    assert names == ["answer", "retrieve"]
    assert HOSTILE not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
    text = _text(page)
    assert '"text": "' + HOSTILE + '"' in text, "the inputs, JSON re-indented"
    assert "Inputs" in text and "Outputs" in text

    tool = api.get(f"/traces/{ids['tool-call']}")
    text = _text(tool)
    assert "cache-miss" in text
    assert '"city": "Oslo"' in text
    assert re.search(r"units\s+\"metric\"", text)
    assert "11 in · 31 out · 42 total" in text

    failed = _text(api.get(f"/traces/{ids['fails']}"))
    assert "ERROR" in failed and "exception" in failed and "the tide is out" in failed


def test_feedback_tags_and_the_run_are_shown_and_linked(api, client, experiment_id):
    with mlflow.start_run() as run:
        @mlflow.trace(name="in-run")
        def step(x):
            return x + 1

        step(1)
        trace_id = mlflow.get_last_active_trace_id()
    _flush()
    client.set_trace_tag(trace_id, "reviewed", "<yes>")
    mlflow.log_feedback(
        trace_id=trace_id, name="relevance", value=0.8, rationale="on topic",
        source=AssessmentSource(source_type="HUMAN", source_id="reviewer@example.com"))

    page = api.get(f"/traces/{trace_id}")
    assert f'<a href="/runs/{run.info.run_id}">' in page.text
    assert "<th>reviewed</th><td>&lt;yes&gt;</td>" in page.text
    assert "<td>relevance</td><td>feedback</td>" in page.text
    assert "HUMAN · reviewer@example.com" in page.text

    run_page = api.get(f"/runs/{run.info.run_id}")
    traces_link = re.search(r'<a href="([^"]+)">Traces</a>', run_page.text).group(1)
    listed = api.get(html.unescape(traces_link))
    assert f'href="/traces/{trace_id}"' in listed.text


def test_another_projects_trace_is_not_found(api, experiment_id):
    trace_id = _record_traces()["answer"]
    project = unique_name("proj")
    assert api.post("/api/3.0/mlflow/workspaces", json={"name": project}).status_code in (200, 201)
    elsewhere = {"Cookie": f"stride_project={project}"}
    page = api.get(f"/traces/{trace_id}", headers=elsewhere)
    assert page.status_code == 404
    assert "answer" not in _text(page)
    assert api.get(f"/experiments/{experiment_id}/traces", headers=elsewhere).status_code == 404
    assert api.get(f"/traces/{trace_id}").status_code == 200
