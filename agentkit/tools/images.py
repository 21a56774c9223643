"""Images a tool sends with its output, to models that read images in tool outputs.

A tool's output is a string (what the run step records, what Chat Completions and the
Assistants API carry). A tool may also attach images to its call with `attach_image`: the
Responses API receives them after the text as ``input_image`` parts of the call's
``function_call_output``; Chat Completions, which takes text only in tool messages, gets
the text alone, so a tool that attaches an image says so in its text (``[image 1:
image/png, 5120 bytes]``).

Attached images are kept in ``ctx.state`` (saved with the run) under `IMAGES_KEY` until the
call's step completes, then in the run's conversation.
"""

from __future__ import annotations

from typing import Any

from agentkit.context import RunContext

__all__ = ["IMAGES_KEY", "attach_image", "take_images"]

IMAGES_KEY = "agentkit.tool_images"


def attach_image(ctx: RunContext[Any] | None, url: str) -> bool:
    """Send the image at ``url`` (``https://`` or ``data:image/...;base64,...``) with this call.

    Returns:
        Whether it was attached: a tool called outside a run (no ``ctx`` or call id) has
        nowhere to attach it.
    """
    if ctx is None or ctx.call_id is None:
        return False
    ctx.state.setdefault(IMAGES_KEY, {}).setdefault(ctx.call_id, []).append(url)
    return True


def take_images(state: dict[str, Any], call_id: str) -> tuple[str, ...]:
    """The images attached to ``call_id``, removed from ``state``."""
    attached = state.get(IMAGES_KEY)
    if not attached:
        return ()
    urls = attached.pop(call_id, ())
    if not attached:
        del state[IMAGES_KEY]
    return tuple(urls)
