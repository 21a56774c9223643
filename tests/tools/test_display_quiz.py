"""The cookbook's display_quiz, written as a typed function, matches the handwritten schema."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema

from agentkit.tools import FunctionTool
from agentkit.tools.schema import JsonSchema, resolve_ref

EXAMPLE = Path(__file__).parents[2] / "examples" / "display_quiz.py"

COOKBOOK: dict[str, Any] = {
    "name": "display_quiz",
    "description": "Displays a quiz to the student, and returns the student's response. "
    "A single quiz can have multiple questions.",
    "parameters": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "questions": {
                "type": "array",
                "description": "An array of questions, each with a title and potentially "
                "options (if multiple choice).",
                "items": {
                    "type": "object",
                    "properties": {
                        "question_text": {"type": "string"},
                        "question_type": {
                            "type": "string",
                            "enum": ["MULTIPLE_CHOICE", "FREE_RESPONSE"],
                        },
                        "choices": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["question_text"],
                },
            },
        },
        "required": ["title", "questions"],
    },
}

ARGUMENTS = {
    "title": "Math Quiz",
    "questions": [
        {"question_text": "Derive f(x) = 3x^2 + 2x - 5.", "question_type": "FREE_RESPONSE"},
        {
            "question_text": "What is the integral of 2x from 0 to 1?",
            "question_type": "MULTIPLE_CHOICE",
            "choices": ["0", "1", "2", "3"],
        },
    ],
}


def load_display_quiz() -> FunctionTool[..., Any]:
    spec = importlib.util.spec_from_file_location("display_quiz_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    quiz: FunctionTool[..., Any] = module.display_quiz
    return quiz


def inline_refs(node: Any, root: JsonSchema) -> Any:
    """The schema with every (non-recursive) $ref replaced by its target and $defs dropped."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline_refs(resolve_ref(root, node["$ref"]), root)
        return {k: inline_refs(v, root) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [inline_refs(v, root) for v in node]
    return node


def test_display_quiz_non_strict_schema_is_equivalent_to_the_cookbook() -> None:
    quiz = load_display_quiz()
    ours = inline_refs(quiz.parameters, quiz.parameters)
    # The only addition: the arguments object is declared closed, as the tool enforces it.
    assert ours.pop("additionalProperties") is False

    assert quiz.strict is False
    assert (quiz.name, quiz.description) == (COOKBOOK["name"], COOKBOOK["description"])
    assert ours == COOKBOOK["parameters"]


def test_cookbook_arguments_validate_against_both_schemas() -> None:
    quiz = load_display_quiz()

    jsonschema.validate(ARGUMENTS, COOKBOOK["parameters"])
    jsonschema.validate(ARGUMENTS, quiz.parameters)


async def test_display_quiz_returns_the_mocked_student_responses() -> None:
    quiz = load_display_quiz()

    assert await quiz.invoke(json.dumps(ARGUMENTS)) == '["I don\'t know.","a"]'
