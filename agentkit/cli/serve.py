"""``agentkit serve``: the Assistants-compatible HTTP API over a SQLite file."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from agentkit.exceptions import UserError

__all__ = ["serve"]


@click.command("serve")
@click.option(
    "--db",
    "db_path",
    default="agentkit.db",
    envvar="AGENTKIT_DB",
    show_default=True,
    show_envvar=True,
    help="The SQLite file that keeps assistants, threads, runs and steps.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    metavar="KEY[=PROJECT]",
    help="A client API key and its project (repeatable; also AGENTKIT_API_KEYS).",
)
@click.option(
    "--upstream",
    metavar="URL",
    default=lambda: os.environ.get("AGENTKIT_UPSTREAM_URL"),
    help="Base URL of the Responses/Chat Completions server that answers (default: offline "
    "TestModel; env AGENTKIT_UPSTREAM_URL).",
)
@click.option(
    "--upstream-api",
    type=click.Choice(["responses", "chat"]),
    default="responses",
    show_default=True,
)
@click.option(
    "--model",
    "model_override",
    default=None,
    help="Send this model name upstream instead of the one each assistant names.",
)
@click.option("--max-body-bytes", default=1024 * 1024, show_default=True, type=int)
@click.option("--run-timeout", default=600.0, show_default=True, type=float, help="Seconds.")
def serve(
    db_path: str,
    host: str,
    port: int,
    api_keys: tuple[str, ...],
    upstream: str | None,
    upstream_api: str,
    model_override: str | None,
    max_body_bytes: int,
    run_timeout: float,
) -> None:
    """Serve the Assistants v2 API (/v1/assistants, /v1/threads...) over the run engine.

    Clients authenticate with the header "Authorization: Bearer KEY"; each key sees only
    its project's objects. The upstream key is read from AGENTKIT_UPSTREAM_API_KEY.
    """
    try:
        import uvicorn

        from agentkit.server import ServerConfig, create_app, parse_api_keys
        from agentkit.server.config import KEEP_ALIVE_SECONDS
    except ImportError as exc:
        click.echo(f"Error: 'agentkit serve' needs the 'server' extra ({exc.name} is missing).")
        sys.exit(2)
    try:
        keys = parse_api_keys(api_keys)
        if not keys:
            raise UserError("no API keys: pass --api-key KEY[=PROJECT] or set AGENTKIT_API_KEYS")
        options: dict[str, Any] = {}
        if upstream or model_override:
            options.update(_upstream(upstream, upstream_api, model_override))
        config = ServerConfig(
            db_path=db_path,
            api_keys=keys,
            max_body_bytes=max_body_bytes,
            run_timeout=run_timeout,
            **options,
        )
    except UserError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    _banner(config.model_description, db_path, host, port, config.projects, offline=not options)
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def _upstream(url: str | None, api: str, model_override: str | None) -> dict[str, Any]:
    from agentkit.server import upstream_model_factory

    factory, description, _client = upstream_model_factory(
        base_url=url,
        api_key=os.environ.get("AGENTKIT_UPSTREAM_API_KEY") or os.environ.get("OPENAI_API_KEY"),
        api="chat" if api == "chat" else "responses",
        model_override=model_override,
    )
    return {"model_factory": factory, "model_description": description}


def _banner(
    model: str, db_path: str, host: str, port: int, projects: tuple[str, ...], *, offline: bool
) -> None:
    click.echo(f"agentkit serve: http://{host}:{port}/v1  (database {db_path})")
    click.echo(f"  model: {model}")
    if offline:
        click.echo(
            "  no upstream configured: answering offline with TestModel "
            "(pass --upstream URL for a real model)"
        )
    click.echo(f"  projects: {', '.join(projects)}")
