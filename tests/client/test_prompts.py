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
