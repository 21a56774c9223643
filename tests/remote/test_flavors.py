"""RemoteFlavor: status mapping and tool_choice translation, without I/O."""

from __future__ import annotations

import warnings

import pytest

from agentkit.models.request import AllowedTools, NamedToolChoice
from agentkit.remote import FOUNDRY_CLASSIC, OPENAI, RemoteDeviationWarning
from agentkit.remote.sdk import assistants_api


def test_unknown_or_missing_status_is_watched_as_in_progress() -> None:
    assert OPENAI.run_status("submitting_tool_approval") == "in_progress"
    assert FOUNDRY_CLASSIC.run_status(None) == "in_progress"


def test_known_statuses_pass_through() -> None:
    assert OPENAI.run_status("expired") == "expired"
    assert OPENAI.run_status("completed", incomplete_details=True) == "completed"


def test_foundry_completed_with_incomplete_details_is_incomplete() -> None:
    assert FOUNDRY_CLASSIC.run_status("completed", incomplete_details=True) == "incomplete"


def test_named_tool_choice_is_the_assistants_object() -> None:
    assert FOUNDRY_CLASSIC.wire_tool_choice(NamedToolChoice("f")) == {
        "type": "function",
        "function": {"name": "f"},
    }


def test_allowed_tools_degrade_to_their_mode_with_warning() -> None:
    with pytest.warns(RemoteDeviationWarning, match="cannot be sent"):
        assert OPENAI.wire_tool_choice(AllowedTools(("a",), mode="required")) == "required"


def test_assistants_api_silences_only_the_sdk_deprecation() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with assistants_api():
            warnings.warn(
                "The Assistants API is deprecated in favor of the Responses API",
                DeprecationWarning,
                stacklevel=1,
            )
            warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
            warnings.warn("something else is deprecated", DeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else is deprecated"]
