"""`Endpoint`: which model API a client talks to, read from the environment's conventions.

The conventions are the openai client's and the CLI's:

- ``AZURE_OPENAI_ENDPOINT`` with ``OPENAI_API_VERSION`` and ``AZURE_OPENAI_API_KEY`` (or
  ``AZURE_OPENAI_AD_TOKEN``): Azure OpenAI;
- ``OPENAI_API_KEY``, with ``OPENAI_BASE_URL`` for another server: OpenAI or any
  compatible server; ``OPENAI_BASE_URL`` alone is a local server that needs no key.

Reading the environment imports nothing heavy; building a client (`agentkit.models.clients`)
imports the openai SDK.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from agentkit.exceptions import UserError

__all__ = ["OFFLINE_HINT", "Endpoint", "azure_endpoint", "openai_endpoint"]

OFFLINE_HINT = "or run offline with model='test'"

_LOCAL_KEY = "not-needed"  # local servers accept any key, and the SDK insists on one


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A model API and the credentials for it (never shown: not in ``repr``, not in `key`).

    Attributes:
        kind: ``openai`` (OpenAI or a compatible server) or ``azure`` (Azure OpenAI).
        base_url: the server's ``/v1`` URL (None: api.openai.com), or the Azure endpoint.
        api_version: Azure's ``api-version``.
    """

    kind: Literal["openai", "azure"]
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    api_version: str | None = None
    azure_ad_token: str | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str | None, str | None, str]:
        """What identifies this endpoint among cached clients; the secret only as a digest."""
        secret = (self.api_key or "") + "\0" + (self.azure_ad_token or "")
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return (self.kind, self.base_url, self.api_version, digest)


def openai_endpoint(environ: Mapping[str, str] | None = None, *, needed_by: str = "") -> Endpoint:
    """OpenAI, or the compatible server ``OPENAI_BASE_URL`` names.

    Raises:
        UserError: neither ``OPENAI_API_KEY`` nor ``OPENAI_BASE_URL`` is set (the message
            names ``needed_by``, the model that needs them).
    """
    env = os.environ if environ is None else environ
    key = env.get("OPENAI_API_KEY") or None
    base_url = env.get("OPENAI_BASE_URL") or None
    if key is None and base_url is None:
        raise UserError(
            f"{needed_by or 'the model'} needs OPENAI_API_KEY: set it (or OPENAI_BASE_URL for "
            f"a local server that needs no key, or AZURE_OPENAI_ENDPOINT for Azure), "
            f"{OFFLINE_HINT}"
        )
    return Endpoint("openai", base_url=base_url, api_key=key or _LOCAL_KEY)


def azure_endpoint(environ: Mapping[str, str] | None = None, *, needed_by: str = "") -> Endpoint:
    """The Azure OpenAI resource ``AZURE_OPENAI_ENDPOINT`` names.

    Raises:
        UserError: the endpoint, ``OPENAI_API_VERSION`` or a credential is missing; the
            message names the variable.
    """
    env = os.environ if environ is None else environ
    who = needed_by or "the Azure model"
    url = env.get("AZURE_OPENAI_ENDPOINT")
    if not url:
        raise UserError(f"{who} needs AZURE_OPENAI_ENDPOINT (your resource's URL), {OFFLINE_HINT}")
    version = env.get("OPENAI_API_VERSION")
    if not version:
        raise UserError(
            f"{who} needs OPENAI_API_VERSION (e.g. 2025-04-01-preview) with "
            f"AZURE_OPENAI_ENDPOINT, {OFFLINE_HINT}"
        )
    key = env.get("AZURE_OPENAI_API_KEY") or None
    token = env.get("AZURE_OPENAI_AD_TOKEN") or None
    if key is None and token is None:
        raise UserError(
            f"{who} needs AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN) with "
            f"AZURE_OPENAI_ENDPOINT; for Entra ID token providers, pass a model object "
            f"with an AsyncAzureOpenAI client, {OFFLINE_HINT}"
        )
    return Endpoint("azure", base_url=url, api_key=key, api_version=version, azure_ad_token=token)
