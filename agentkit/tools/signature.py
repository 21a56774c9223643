"""From a Python function's signature to a pydantic arguments model and a JSON Schema."""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_origin

from pydantic import BaseModel, Field, PydanticUserError, TypeAdapter, create_model
from pydantic.errors import PydanticSchemaGenerationError
from pydantic.fields import FieldInfo

from agentkit.context import RunContext
from agentkit.exceptions import UserError
from agentkit.tools.schema import JsonSchema, strip_titles

__all__ = ["KWARGS_FIELD", "ArgumentsSignature", "analyze_signature"]

KWARGS_FIELD = "**kwargs"
"""Where the extra keys for a ``**kwargs`` parameter are validated (never a Python name)."""

_PYDANTIC_ERRORS = (PydanticSchemaGenerationError, PydanticUserError, TypeError, ValueError)


@dataclass(frozen=True, slots=True)
class ArgumentsSignature:
    """How the model's arguments object maps onto a function's parameters.

    Attributes:
        model: validates the arguments object; its field ``p{i}`` has the parameter's name
            as alias, so no parameter can clash with a pydantic attribute.
        schema: the non-strict JSON Schema of the arguments, titles stripped.
        takes_ctx: the first parameter is a `RunContext` the engine injects.
        positional: fields passed positionally, in order.
        var_positional: the field holding ``*args``, if any.
        keyword: ``(field, parameter name)`` pairs passed by keyword.
        var_keyword: the field holding ``**kwargs``, if any.
        var_keyword_name: the Python name of the ``**kwargs`` parameter, if any.
        all_names: every parameter's name, in order, the injected `RunContext` included.
    """

    model: type[BaseModel]
    schema: JsonSchema
    takes_ctx: bool
    positional: tuple[str, ...]
    var_positional: str | None
    keyword: tuple[tuple[str, str], ...]
    var_keyword: str | None
    var_keyword_name: str | None = None
    all_names: tuple[str, ...] = ()

    @property
    def parameter_names(self) -> frozenset[str]:
        """The argument names the model may send (``**kwargs`` aside)."""
        return frozenset(f.alias for f in self.model.model_fields.values() if f.alias) - {
            KWARGS_FIELD
        }


def analyze_signature(
    func: Callable[..., Any], param_docs: dict[str, str], where: str
) -> ArgumentsSignature:
    """Build the arguments model and schema for ``func``.

    Raises:
        UserError: naming ``where`` and the parameter, for a misplaced `RunContext`, an
            unresolvable forward reference, or an annotation pydantic cannot handle.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise UserError(f"{where}: cannot read the signature ({exc})") from None
    params = list(signature.parameters.values())
    all_names = tuple(param.name for param in params)
    hints = _type_hints(func, params, where)
    takes_ctx = bool(params) and _is_run_context(hints.get(params[0].name))
    if takes_ctx:
        params = params[1:]
    fields: dict[str, Any] = {}
    positional: list[str] = []
    keyword: list[tuple[str, str]] = []
    var_positional: str | None = None
    var_keyword: str | None = None
    var_keyword_name: str | None = None
    for index, param in enumerate(params):
        annotation = hints.get(param.name, Any)
        if _is_run_context(annotation):
            raise UserError(
                f"{where}: parameter {param.name!r} is a RunContext; it must be first "
                "(before the parameters the model fills in)"
            )
        field_name = f"p{index}"
        fields[field_name] = _field(param, annotation, param_docs.get(param.name))
        if param.kind is param.VAR_POSITIONAL:
            var_positional = field_name
        elif param.kind is param.VAR_KEYWORD:
            var_keyword, var_keyword_name = field_name, param.name
        elif param.kind is param.KEYWORD_ONLY:
            keyword.append((field_name, param.name))
        else:
            positional.append(field_name)
    model = _create_model(func, fields, params, hints, where)
    return ArgumentsSignature(
        model=model,
        schema=_schema(model, where),
        takes_ctx=takes_ctx,
        positional=tuple(positional),
        var_positional=var_positional,
        keyword=tuple(keyword),
        var_keyword=var_keyword,
        var_keyword_name=var_keyword_name,
        all_names=all_names,
    )


def _type_hints(
    func: Callable[..., Any], params: list[inspect.Parameter], where: str
) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func, include_extras=True)
    except NameError as exc:
        missing = getattr(exc, "name", None) or str(exc)
        culprit = next(
            (
                p.name
                for p in params
                if isinstance(p.annotation, str) and _mentions(p.annotation, missing)
            ),
            None,
        )
        target = f"parameter {culprit!r}" if culprit else "an annotation"
        raise UserError(
            f"{where}: cannot resolve {target}: {exc}. Define the type at module level "
            "(forward references are resolved in the function's module)."
        ) from None


def _mentions(annotation: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", annotation) is not None


def _is_run_context(annotation: Any) -> bool:
    return annotation is RunContext or get_origin(annotation) is RunContext


def _field(param: inspect.Parameter, annotation: Any, doc: str | None) -> tuple[Any, Any]:
    if param.kind is param.VAR_POSITIONAL:
        return (Annotated[list[annotation], _named(param.name, "", doc)], [])
    if param.kind is param.VAR_KEYWORD:
        # The description goes on the dict's schema; `_schema` moves it to the extra keys.
        kwargs_field = (
            Field(alias=KWARGS_FIELD, description=doc) if doc else Field(alias=KWARGS_FIELD)
        )
        return (Annotated[dict[str, annotation], kwargs_field], {})
    default = ... if param.default is inspect.Parameter.empty else param.default
    return (
        Annotated[annotation, _named(param.name, _explicit_description(annotation, default), doc)],
        default,
    )


def _explicit_description(annotation: Any, default: Any) -> str | None:
    """Apply the precedence rule: Field(description=...) > Annotated[T, "text"] > docstring."""
    metadata = (
        list(getattr(annotation, "__metadata__", ())) if get_origin(annotation) is Annotated else []
    )
    infos = [m for m in [*metadata, default] if isinstance(m, FieldInfo)]
    if any(info.description for info in infos):
        return None  # pydantic already uses the Field description
    texts = [m for m in metadata if isinstance(m, str)]
    return texts[0] if texts else ""


def _named(name: str, explicit: str | None, doc: str | None) -> FieldInfo:
    if explicit is None:
        return Field(alias=name)  # type: ignore[no-any-return]
    description = explicit or doc
    if description:
        return Field(alias=name, description=description)  # type: ignore[no-any-return]
    return Field(alias=name)  # type: ignore[no-any-return]


def _create_model(
    func: Callable[..., Any],
    fields: dict[str, Any],
    params: list[inspect.Parameter],
    hints: dict[str, Any],
    where: str,
) -> type[BaseModel]:
    name = f"{getattr(func, '__name__', 'tool')}_arguments"
    try:
        return create_model(name, **fields)
    except _PYDANTIC_ERRORS as exc:
        raise _annotation_error(params, hints, where, exc) from None


def _schema(model: type[BaseModel], where: str) -> JsonSchema:
    try:
        schema = strip_titles(model.model_json_schema())
    except Exception as exc:  # PydanticInvalidForJsonSchema and friends
        raise UserError(f"{where}: cannot build a JSON Schema for the arguments: {exc}") from None
    properties: dict[str, Any] = schema.get("properties", {})
    kwargs_schema = properties.pop(KWARGS_FIELD, None)
    if kwargs_schema is not None:
        schema["additionalProperties"] = _extra_keys_schema(kwargs_schema)
    else:
        schema["additionalProperties"] = False
    schema["properties"] = properties
    if "required" in schema:
        schema["required"] = [r for r in schema["required"] if r != KWARGS_FIELD] or None
        if schema["required"] is None:
            del schema["required"]
    return schema


def _extra_keys_schema(kwargs_schema: JsonSchema) -> JsonSchema | bool:
    """The schema of the arguments' extra keys: the values of the ``**kwargs`` dict."""
    extra: JsonSchema | bool = kwargs_schema.get("additionalProperties", True)
    description = kwargs_schema.get("description")
    if description is None:
        return extra
    values = extra if isinstance(extra, dict) else {}
    # An explicit description on the value type (Field, Annotated) wins over the docstring's.
    return {"description": description, **values}


def _annotation_error(
    params: list[inspect.Parameter], hints: dict[str, Any], where: str, exc: Exception
) -> UserError:
    for param in params:
        try:
            TypeAdapter(hints.get(param.name, Any))
        except _PYDANTIC_ERRORS as inner:
            first_line = str(inner).splitlines()[0]
            return UserError(
                f"{where}: parameter {param.name!r} has an unsupported annotation: {first_line}"
            )
    return UserError(f"{where}: cannot build the arguments model: {str(exc).splitlines()[0]}")
