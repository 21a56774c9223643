"""A Python type as the model's final answer: the format asked for, and the validation.

`OutputType` turns any type pydantic validates (a model, a dataclass, a TypedDict,
``list[int]``, ``Literal[...]``, a union...) into an `OutputFormat`, the structured-output
request every model adapter translates (Responses ``text.format``, Chat Completions
``response_format``). The schema goes through the same strict pass as tool parameters
(`agentkit.tools.strict`). A structured output's root must be an object, so any other type
is asked for wrapped, as ``{"result": ...}``, and unwrapped after validation.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, overload

from pydantic import PydanticUserError, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError

from agentkit.exceptions import UserError
from agentkit.tools.null_defaults import drop_defaulted_nulls
from agentkit.tools.schema import JsonSchema, strip_titles
from agentkit.tools.strict import StrictModeWarning, StrictSchemaError, to_strict_schema

__all__ = ["InvalidOutput", "OutputFormat", "OutputType", "WRAPPER_FIELD"]

T = TypeVar("T")

WRAPPER_FIELD = "result"
"""The property a non-object output type is wrapped in."""

_NAME_CHARS = re.compile(r"[^a-zA-Z0-9_-]")


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """The shape the model is asked to answer in; each adapter writes it in its wire format.

    Attributes:
        type: ``json_schema`` (structured output: ``schema`` is enforced when ``strict``) or
            ``json_object`` (any JSON object, "JSON mode").
        name: the schema's name, ``^[a-zA-Z0-9_-]{1,64}$``.
        schema: the JSON Schema of the answer (an object schema), for ``json_schema``.
        strict: whether the API is asked to enforce the schema.
        description: what the answer is, for the model.
    """

    type: Literal["json_schema", "json_object"] = "json_schema"
    name: str = "output"
    schema: JsonSchema | None = None
    strict: bool = False
    description: str = ""


class InvalidOutput(ValueError):
    """The model's answer is not a valid output; ``feedback`` tells the model why."""

    def __init__(self, feedback: str) -> None:
        super().__init__(feedback)
        self.feedback = feedback


class OutputType(Generic[T]):
    """The type of an agent's final answer: its `OutputFormat`, and `validate`.

    Args:
        type_: the Python type of the answer.
        name: the schema name sent to the API (default: the type's name).
        description: what the answer is, for the model.
        strict: True requires strict mode (UserError if the schema cannot be strict); False
            never uses it; None (default) uses it when the schema allows, and otherwise warns
            (`StrictModeWarning`) and asks non-strict.
        format: ask for this format as given instead of the type's schema (`agentkit serve`
            passes a client's ``response_format`` this way, with ``type_`` a ``dict``); the
            answer is then only validated as ``type_``.

    Raises:
        UserError: pydantic cannot build a schema for ``type_``, or strict=True cannot hold.
    """

    @overload
    def __init__(
        self,
        type_: type[T],
        *,
        name: str | None = None,
        description: str = "",
        strict: bool | None = None,
        format: OutputFormat | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: OutputType[Any],
        type_: object,
        *,
        name: str | None = None,
        description: str = "",
        strict: bool | None = None,
        format: OutputFormat | None = None,
    ) -> None: ...

    def __init__(
        self,
        type_: Any,
        *,
        name: str | None = None,
        description: str = "",
        strict: bool | None = None,
        format: OutputFormat | None = None,
    ) -> None:
        self.python_type = type_
        given = name or (format.name if format is not None else "")
        self.name = _schema_name(given or getattr(type_, "__name__", "") or "output")
        where = f"output_type {self.name!r}"
        try:
            self._adapter: TypeAdapter[T] = TypeAdapter(type_)
            schema = strip_titles(self._adapter.json_schema())
        except (PydanticSchemaGenerationError, PydanticUserError, TypeError) as exc:
            raise UserError(f"{where}: pydantic cannot validate {type_!r} ({exc})") from None
        self.wrapped = not _is_object(schema)
        self.schema: JsonSchema = _wrap(schema) if self.wrapped else schema
        if format is not None:
            self.format = format
            return
        wire_schema, is_strict = _strict_choice(self.schema, strict, where)
        self.format = OutputFormat(
            name=self.name, schema=wire_schema, strict=is_strict, description=description
        )

    def __repr__(self) -> str:
        return f"OutputType({self.python_type!r})"

    def validate(self, text: str) -> T:
        """The answer ``text`` (JSON) as a value of the output type.

        Raises:
            InvalidOutput: not JSON, or not a valid value; ``feedback`` says what is wrong.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidOutput(
                f"Your answer is not valid JSON ({exc.msg} at position {exc.pos}). Answer "
                f"with only a JSON object that matches the {self.name!r} schema."
            ) from None
        data = drop_defaulted_nulls(data, self.schema)
        if self.wrapped and isinstance(data, dict) and set(data) == {WRAPPER_FIELD}:
            data = data[WRAPPER_FIELD]
        try:
            return self._adapter.validate_python(data)
        except ValidationError as exc:
            raise InvalidOutput(self._describe(exc)) from None

    def _describe(self, exc: ValidationError) -> str:
        lines = []
        for error in exc.errors():
            path = ".".join(str(part) for part in error["loc"]) or "(answer)"
            lines.append(f"- {path}: {error['msg']}")
        problems = "\n".join(lines)
        return (
            f"Your answer does not match the {self.name!r} schema:\n{problems}\n"
            "Fix these and answer again with only the corrected JSON."
        )


def _schema_name(name: str) -> str:
    cleaned = _NAME_CHARS.sub("_", name)[:64]
    return cleaned or "output"


def _is_object(schema: JsonSchema) -> bool:
    return schema.get("type") == "object" and "anyOf" not in schema and "oneOf" not in schema


def _wrap(schema: JsonSchema) -> JsonSchema:
    inner = {key: value for key, value in schema.items() if key != "$defs"}
    wrapper: JsonSchema = {
        "type": "object",
        "properties": {WRAPPER_FIELD: inner},
        "required": [WRAPPER_FIELD],
    }
    if "$defs" in schema:
        wrapper["$defs"] = schema["$defs"]
    return wrapper


def _strict_choice(schema: JsonSchema, strict: bool | None, where: str) -> tuple[JsonSchema, bool]:
    """Apply ``strict`` as `@tool` does: True must succeed, None falls back with a warning."""
    if strict is False:
        return schema, False
    try:
        return to_strict_schema(schema), True
    except StrictSchemaError as exc:
        if strict:
            raise UserError(f"{where}: strict=True, but {exc}. Use strict=False.") from None
        warnings.warn(
            f"{where}: {exc}, so the output is asked for with strict=False. "
            "Pass OutputType(..., strict=False) to accept this without a warning.",
            StrictModeWarning,
            stacklevel=4,
        )
        return schema, False
