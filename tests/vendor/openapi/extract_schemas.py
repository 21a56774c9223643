"""Re-create assistants-schemas.json from a checkout of github.com/openai/openai-openapi.

    python tests/vendor/openapi/extract_schemas.py path/to/openapi.json

Copies the named component schemas and everything they reference ($ref), unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import json
import sys
from pathlib import Path

ROOTS = [
    "AssistantObject", "ThreadObject", "MessageObject", "RunObject", "RunStepObject",
    "ListAssistantsResponse", "ListMessagesResponse", "ListRunsResponse", "ListRunStepsResponse",
    "DeleteAssistantResponse", "DeleteThreadResponse", "DeleteMessageResponse",
    "CreateAssistantRequest", "ModifyAssistantRequest", "CreateThreadRequest",
    "ModifyThreadRequest", "CreateMessageRequest", "ModifyMessageRequest", "CreateRunRequest",
    "CreateThreadAndRunRequest", "ModifyRunRequest", "SubmitToolOutputsRunRequest",
    "ErrorResponse", "AssistantStreamEvent", "MessageDeltaObject", "RunStepDeltaObject",
]
PREFIX = "#/components/schemas/"


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def main(spec_path: str) -> None:
    schemas = json.loads(Path(spec_path).read_text())["components"]["schemas"]
    picked: dict[str, object] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in picked:
            continue
        picked[name] = schemas[name]
        todo.extend(ref.removeprefix(PREFIX) for ref in _refs(schemas[name]))
    out = Path(__file__).with_name("assistants-schemas.json")
    document = {"components": {"schemas": dict(sorted(picked.items()))}}
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
