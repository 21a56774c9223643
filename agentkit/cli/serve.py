"""``agentkit serve``: the Assistants-compatible HTTP API over a SQLite file."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

import click

from agentkit.exceptions import UserError

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from agentkit.file_search import EmbeddingsClient
    from agentkit.server import ServerConfig

__all__ = ["serve"]

# Environment variables whose values are credentials: masked in every log line.
_SECRET_VARIABLES = (
    "AGENTKIT_UPSTREAM_API_KEY",
    "OPENAI_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
)


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
@click.option(
    "--database",
    "database_url",
    default=None,
    envvar="AGENTKIT_DATABASE",
    show_envvar=True,
    metavar="POSTGRES_URL",
    help="Keep everything in this Postgres database instead of --db: runs are executed by "
    "DBOS workers (this process among them), and several serve processes may share it "
    "(needs the 'dbos' extra).",
)
@click.option(
    "--worker-concurrency",
    default=8,
    show_default=True,
    type=click.IntRange(min=0),
    help="With --database: runs this process drives at once (0: an API front only; the "
    "other serve processes over the database drive the runs).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--api-key-file",
    metavar="PATH",
    type=click.Path(dir_okay=False),
    help="A file of client API keys: one KEY[=PROJECT] a line, or a JSON object "
    '{"KEY": "PROJECT"}.',
)
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    metavar="KEY[=PROJECT]",
    help="A client API key and its project (repeatable). Discouraged: `ps` shows it to every "
    "user of the machine; use AGENTKIT_API_KEYS or --api-key-file.",
)
@click.option(
    "--upstream",
    metavar="URL",
    default=lambda: os.environ.get("AGENTKIT_UPSTREAM_URL"),
    help="Base URL of the Responses/Chat Completions server that answers (env "
    "AGENTKIT_UPSTREAM_URL). Without it: AZURE_OPENAI_ENDPOINT, OPENAI_BASE_URL, "
    "api.openai.com if OPENAI_API_KEY is set, else the offline TestModel.",
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
@click.option(
    "--offline", is_flag=True, help="Answer with the offline TestModel whatever is configured."
)
@click.option("--max-body-bytes", default=1024 * 1024, show_default=True, type=int)
@click.option(
    "--max-file-bytes",
    default=512 * 1024 * 1024,
    show_default=True,
    type=int,
    help="The largest upload POST /v1/files accepts (streamed to disk).",
)
@click.option(
    "--files-dir",
    default=None,
    help="Where files' bytes are kept (default: beside the database, DB.files).",
)
@click.option(
    "--embeddings-model",
    default=None,
    envvar="AGENTKIT_EMBEDDINGS_MODEL",
    show_envvar=True,
    help="Embed vector store files and file_search queries with this model, through the "
    "upstream's /v1/embeddings (hybrid search). Without it, file search is full text only.",
)
@click.option("--run-timeout", default=600.0, show_default=True, type=float, help="Seconds.")
@click.option(
    "--header-timeout",
    default=10.0,
    show_default=True,
    type=float,
    help="Seconds a client has to send a request's headers.",
)
@click.option(
    "--body-timeout",
    default=30.0,
    show_default=True,
    type=float,
    help="Seconds a client has to send a request's body.",
)
def serve(
    db_path: str,
    database_url: str | None,
    worker_concurrency: int,
    host: str,
    port: int,
    api_key_file: str | None,
    api_keys: tuple[str, ...],
    upstream: str | None,
    upstream_api: str,
    model_override: str | None,
    offline: bool,
    max_body_bytes: int,
    max_file_bytes: int,
    files_dir: str | None,
    embeddings_model: str | None,
    run_timeout: float,
    header_timeout: float,
    body_timeout: float,
) -> None:
    """Serve the Assistants v2 API (/v1/assistants, /v1/threads, /v1/files...) over the engine.

    Clients authenticate with the header "Authorization: Bearer KEY"; each key sees only
    its project's objects. Keys come from AGENTKIT_API_KEYS ("KEY=PROJECT,..." or "@FILE")
    or --api-key-file. The upstream key is read from AGENTKIT_UPSTREAM_API_KEY (else
    OPENAI_API_KEY; AZURE_OPENAI_API_KEY for Azure).
    """
    try:
        import uvicorn

        from agentkit.server import ServerConfig, create_app, model_source
        from agentkit.server.http11 import uvicorn_config
        from agentkit.server.logs import configure_serve_logging
    except ImportError as exc:
        click.echo(f"Error: 'agentkit serve' needs the 'server' extra ({exc.name} is missing).")
        sys.exit(2)
    try:
        keys = _client_keys(api_keys, api_key_file)
        source = model_source(
            upstream,
            api="chat" if upstream_api == "chat" else "responses",
            model_override=model_override,
            offline=offline,
        )
        if database_url is not None:
            _check_database(database_url)
        config = ServerConfig(
            db_path=db_path,
            database_url=database_url,
            worker_concurrency=worker_concurrency,
            api_keys=keys,
            model_factory=source.factory,
            model_description=source.description,
            max_body_bytes=max_body_bytes,
            max_file_bytes=max_file_bytes,
            files_dir=files_dir,
            embeddings=_embeddings(embeddings_model, source.client),
            run_timeout=run_timeout,
            header_timeout=header_timeout,
            body_timeout=body_timeout,
        )
    except UserError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    secrets = [*keys, *(os.environ.get(name, "") for name in _SECRET_VARIABLES)]
    log_config = configure_serve_logging(secrets)
    _banner(config, host, port, ignored_model=model_override if source.offline else None)
    settings = uvicorn_config(
        create_app(config), config, host=host, port=port, log_level="info", log_config=log_config
    )
    # uvicorn re-raises the Ctrl-C it handled, once it has shut down.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(settings).run()


def _check_database(url: str) -> None:
    if not url.startswith(("postgresql://", "postgres://")):
        raise UserError(f"--database needs a postgresql:// URL, got {url.split(':', 1)[0]!r}")
    try:
        import dbos  # noqa: F401 - only checking that the extra is installed
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise UserError(f"--database needs the 'dbos' extra ({exc.name} is missing)") from None


def _embeddings(model: str | None, upstream: AsyncOpenAI | None) -> EmbeddingsClient | None:
    """The embeddings client of ``--embeddings-model``: the upstream's endpoint, that model."""
    if not model:
        return None
    if upstream is None:
        raise UserError(
            "--embeddings-model needs an upstream (--upstream URL, OPENAI_BASE_URL...): "
            "the offline model has no embeddings endpoint"
        )
    try:
        from agentkit.file_search import EmbeddingsClient
    except ImportError as exc:
        raise UserError(
            f"--embeddings-model needs the 'file-search' extra ({exc.name} is missing)"
        ) from None
    return EmbeddingsClient(model, client=upstream)


def _client_keys(flags: tuple[str, ...], key_file: str | None) -> dict[str, str]:
    from agentkit.server import parse_api_keys

    if flags:
        click.echo(
            "Warning: --api-key puts keys on the command line, where `ps` shows them to every "
            "user of this machine; use AGENTKIT_API_KEYS or --api-key-file instead.",
            err=True,
        )
    keys = parse_api_keys(flags, key_file=key_file)
    if not keys:
        raise UserError(
            "no API keys: set AGENTKIT_API_KEYS (KEY=PROJECT,...) or pass --api-key-file"
        )
    return keys


def _banner(config: ServerConfig, host: str, port: int, *, ignored_model: str | None) -> None:
    click.echo(f"agentkit serve: http://{host}:{port}/v1  (database {_database(config)})")
    click.echo(f"  model: {config.model_description}")
    if ignored_model:
        click.echo(f"  --model {ignored_model} is ignored offline: it names the upstream model")
    click.echo(f"  projects: {', '.join(config.projects)}")


def _database(config: ServerConfig) -> str:
    if config.database_url is None:
        return config.db_path
    from agentkit.stores.postgres_pool import describe_database

    runs = (
        f"this process drives up to {config.worker_concurrency} runs"
        if config.worker_concurrency
        else "other serve processes drive the runs"
    )
    return f"{describe_database(config.database_url)}; {runs}"
    if config.embeddings is not None:
        click.echo(f"  file search: hybrid (full text + {config.embeddings.model} vectors)")
    else:
        click.echo("  file search: full text (pass --embeddings-model for hybrid search)")
