"""Prompts: MLflow stores them as registered models tagged `mlflow.prompt.is_prompt`, so they come with the registry."""

from __future__ import annotations

import mlflow

from conftest import unique_name


def test_prompts_register_version_alias_and_load(client):
    name = unique_name("greeting")
    first = mlflow.genai.register_prompt(name=name, template="Hello {{name}}!", commit_message="first")
    second = mlflow.genai.register_prompt(name=name, template="Hi {{name}}!")
    assert (first.version, second.version) == (1, 2)
    assert mlflow.genai.load_prompt(f"prompts:/{name}/1").format(name="Ann") == "Hello Ann!"
    assert mlflow.genai.load_prompt(f"prompts:/{name}@latest").template == "Hi {{name}}!"
    mlflow.genai.set_prompt_alias(name, alias="production", version=1)
    assert mlflow.genai.load_prompt(f"prompts:/{name}@production").template == "Hello {{name}}!"
    # Prompts stay out of model search, as in MLflow.
    assert name not in [m.name for m in client.search_registered_models()]


def test_a_prompt_version_takes_only_mlflows_placeholder_sources(api, client):
    name = unique_name("prompt")
    prompt_tag = {"key": "mlflow.prompt.is_prompt", "value": "true"}
    api.post("/api/2.0/mlflow/registered-models/create", json={"name": name, "tags": [prompt_tag]})
    refused = api.post("/api/2.0/mlflow/model-versions/create", json={"name": name, "source": "/etc", "tags": [prompt_tag]})
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert refused.json()["message"] == "Invalid prompt source: '/etc'. Prompt sources must use an MLflow placeholder."
    accepted = api.post("/api/2.0/mlflow/model-versions/create", json={"name": name, "source": "prompt-template", "tags": [prompt_tag]})
    assert accepted.status_code == 200
    assert accepted.json()["model_version"]["source"] == "prompt-template"
