"""`ImageFilesMiddleware`: images shown by file id reach the model as the images themselves."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agentkit.calls import ModelCall, ModelHandler, ModelResponse
from agentkit.context import RunContext
from agentkit.middleware.base import Middleware
from agentkit.models.images import ImageFileSource, resolve_image_files

__all__ = ["ImageFilesMiddleware"]


class ImageFilesMiddleware(Middleware):
    """Replace each image given by file id with the file's bytes, before every model call.

    Model APIs cannot read agentkit's files, so an ``image_file`` content part would reach
    them as an id they do not know. With this middleware it reaches them as a ``data:``
    URL, on both adapters. A file that is missing or not an image fails the run (code
    ``invalid_image``), naming the file.

    Args:
        files: where the images are read from (anything with ``read_image(file_id)``).
    """

    def __init__(self, files: ImageFileSource) -> None:
        self.files = files

    async def wrap_model_call(
        self, ctx: RunContext[Any], call: ModelCall, next: ModelHandler
    ) -> ModelResponse:
        request = await resolve_image_files(call.request, self.files)
        if request is not call.request:
            call = replace(call, request=request)
        return await next(call)
