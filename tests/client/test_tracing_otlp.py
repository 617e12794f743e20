"""OTLP span ingest (`POST /v1/traces`): the pinned client exports its spans there once /version
says 3.4 or later, and any OpenTelemetry exporter may; bad exports are refused whole."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mlflow
import pytest
import requests
from mlflow.entities import SpanType
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

SPANS_IN_STORE = "TRACKING_STORE"
TRACE_ID = bytes.fromhex("0123456789abcdef0123456789abcdef")


def _flush():
    mlflow.flush_trace_async_logging(terminate=False)


def _export(tracking_uri, experiment_id, body, content_type="application/x-protobuf", **headers):
    return requests.post(
        f"{tracking_uri}/v1/traces",
        data=body,
        headers={"Content-Type": content_type, "x-mlflow-experiment-id": experiment_id, **headers},
        timeout=30,
    )


def _request(trace_id=TRACE_ID, attributes=None, parent=b"", name="root", status_code=1):
    request = ExportTraceServiceRequest()
    resource = request.resource_spans.add()
    attribute = resource.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", "tide-service"
    span = resource.scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.parent_span_id, span.name = trace_id, bytes.fromhex("00000000000000a1"), parent, name
    span.start_time_unix_nano, span.end_time_unix_nano = 1_700_000_000_000_000_000, 1_700_000_000_250_000_000
    span.status.code = status_code
    for key, value in (attributes or {}).items():
        item = span.attributes.add()
        item.key, item.value.string_value = key, value
    return request


def test_the_pinned_client_exports_spans_over_otlp(tracking_uri, experiment_id):
    assert requests.get(f"{tracking_uri}/version", timeout=10).text == "3.17.2"

    @mlflow.trace(name="retrieve", span_type=SpanType.RETRIEVER)
    def retrieve(text):
        return [f"doc about {text}"]

    @mlflow.trace(name="answer", span_type=SpanType.CHAIN)
    def answer(text):
        return f"{text}: {len(retrieve(text))} doc"

    assert answer("tides") == "tides: 1 doc"
    _flush()
    trace = mlflow.get_trace(mlflow.get_last_active_trace_id())
    assert trace.info.tags["mlflow.trace.spansLocation"] == SPANS_IN_STORE
    assert trace.info.state.value == "OK"
    spans = {span.name: span for span in trace.data.spans}
    assert spans["retrieve"].parent_id == spans["answer"].span_id
    assert spans["retrieve"].span_type == SpanType.RETRIEVER
    assert spans["retrieve"].inputs == {"text": "tides"}
    assert spans["answer"].outputs == "tides: 1 doc"
    found = mlflow.search_traces(locations=[experiment_id], filter_string="trace.name = 'answer'", return_type="list")
    assert [t.info.trace_id for t in found] == [trace.info.trace_id]
    assert len(found[0].data.spans) == 2


def test_start_span_attributes_events_and_errors_survive_otlp(experiment_id):
    with mlflow.start_span(name="tool-call", span_type=SpanType.TOOL) as span:
        span.set_inputs({"city": "Oslo"})
        span.set_attributes({"units": "metric", "retries": 2})
        span.add_event(mlflow.entities.SpanEvent(name="cache-miss", attributes={"key": "oslo"}))
    with pytest.raises(ValueError):
        with mlflow.start_span(name="fails") as failing:
            raise ValueError("the tide is out")
    _flush()
    stored = mlflow.get_trace(span.trace_id)
    assert stored.info.tags["mlflow.trace.spansLocation"] == SPANS_IN_STORE
    (tool,) = stored.data.spans
    assert tool.attributes["units"] == "metric" and tool.attributes["retries"] == 2
    assert [(event.name, event.attributes) for event in tool.events] == [("cache-miss", {"key": "oslo"})]
    failed = mlflow.get_trace(failing.trace_id)
    assert failed.info.state.value == "ERROR"
    assert failed.data.spans[0].status.status_code.value == "ERROR"
    assert any(event.name == "exception" for event in failed.data.spans[0].events)


def test_a_raw_otlp_export_creates_the_trace_from_its_root_span(api, tracking_uri, experiment_id):
    request = _request(attributes={"mlflow.spanInputs": '{"q": 1}', "mlflow.traceTag.team": "ocean"})
    response = _export(tracking_uri, experiment_id, gzip.compress(request.SerializeToString()), **{"Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/x-protobuf"
    info = api.get(f"/api/3.0/mlflow/traces/tr-{TRACE_ID.hex()}").json()["trace"]["trace_info"]
    assert info["trace_location"]["mlflow_experiment"]["experiment_id"] == experiment_id
    assert info["state"] == "OK"
    assert info["request_time"] == "2023-11-14T22:13:20.000Z"
    assert info["execution_duration"] == "0.250s"
    assert info["request_preview"] == '"{\\"q\\": 1}"'
    assert info["tags"]["mlflow.trace.spansLocation"] == SPANS_IN_STORE
    assert info["tags"]["team"] == "ocean"
    assert info["tags"]["service.name"] == "tide-service"
    assert info["tags"]["mlflow.artifactLocation"].endswith(f"/traces/tr-{TRACE_ID.hex()}/artifacts")


def test_an_otlp_json_export_with_hex_ids_is_stored(api, tracking_uri, experiment_id):
    trace_hex = "fedcba9876543210fedcba9876543210"
    body = {
        "resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": trace_hex, "spanId": "1122334455667788", "name": "json-root",
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000",
            "status": {"code": 2},
        }]}]}]
    }
    response = _export(tracking_uri, experiment_id, json.dumps(body), content_type="application/json; charset=utf-8")
    assert response.status_code == 200, response.text
    assert response.json() == {}
    trace = api.get("/api/3.0/mlflow/traces/get", params={"trace_id": f"tr-{trace_hex}"}).json()["trace"]
    assert trace["trace_info"]["state"] == "ERROR"
    (span,) = trace["spans"]
    assert span["name"] == "json-root"
    assert bytes.fromhex("1122334455667788") == __import__("base64").b64decode(span["span_id"])


def test_an_autologged_openai_call_records_the_chat_span_and_its_token_usage(experiment_id):
    openai = pytest.importorskip("openai")

    class FakeOpenAI(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            answer = json.dumps({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-test",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "High tide at noon."}}],
                "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    fake = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    try:
        mlflow.openai.autolog()
        llm = openai.OpenAI(base_url=f"http://127.0.0.1:{fake.server_address[1]}/v1", api_key="not-a-key")
        reply = llm.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "When is high tide?"}])
        assert reply.choices[0].message.content == "High tide at noon."
        _flush()
        trace = mlflow.get_trace(mlflow.get_last_active_trace_id())
    finally:
        mlflow.openai.autolog(disable=True)
        fake.shutdown()
    assert trace.info.tags["mlflow.trace.spansLocation"] == SPANS_IN_STORE
    (chat,) = trace.data.spans
    assert chat.span_type == SpanType.CHAT_MODEL
    assert chat.attributes["mlflow.chat.tokenUsage"] == {"input_tokens": 12, "output_tokens": 5, "total_tokens": 17}
    assert trace.info.token_usage == {"input_tokens": 12, "output_tokens": 5, "total_tokens": 17}
    assert trace.info.request_preview == "When is high tide?"


def test_bad_exports_are_refused_whole_in_mlflows_error_shape(api, tracking_uri, experiment_id):
    malformed = _export(tracking_uri, experiment_id, b"\x0a\xff\xff\xff\xff\x0f")
    assert malformed.status_code == 400
    assert malformed.json()["error_code"] == "INVALID_PARAMETER_VALUE"

    unknown = _export(tracking_uri, "987654321", _request().SerializeToString())
    assert unknown.status_code == 404
    assert unknown.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"

    wrong_type = _export(tracking_uri, experiment_id, b"{}", content_type="text/plain")
    assert wrong_type.status_code == 400

    no_header = requests.post(f"{tracking_uri}/v1/traces", data=b"", headers={"Content-Type": "application/x-protobuf"}, timeout=30)
    assert no_header.status_code == 400

    huge_trace = bytes.fromhex("99999999999999999999999999999999")
    request = _request(trace_id=huge_trace)
    good = request.resource_spans[0].scope_spans[0].spans.add()
    good.CopyFrom(request.resource_spans[0].scope_spans[0].spans[0])
    good.span_id = bytes.fromhex("00000000000000b2")
    huge = request.resource_spans[0].scope_spans[0].spans[0].attributes.add()
    huge.key, huge.value.string_value = "blob", "x" * (5 * 1024 * 1024)
    refused = _export(tracking_uri, experiment_id, request.SerializeToString())
    assert refused.status_code == 400
    assert "blob" in refused.json()["message"]
    missing = api.get(f"/api/3.0/mlflow/traces/tr-{huge_trace.hex()}")
    assert missing.status_code == 404

    short_id = _request(trace_id=b"\x01\x02")
    assert _export(tracking_uri, experiment_id, short_id.SerializeToString()).status_code == 400
