"""An Assistants-compatible HTTP API over the engine (``agentkit serve``).

Code written for the OpenAI Assistants API (v2) runs against it by changing ``base_url``::

    from agentkit.server import ServerConfig, create_app, offline_model_factory

    config = ServerConfig(
        db_path="agentkit.db",
        api_keys={"sk-local": "default"},
        model_factory=offline_model_factory,  # or upstream_model_factory(...)
    )
    app = create_app(config)

Needs the ``server`` extra (starlette, uvicorn).
"""

from agentkit.server.app import create_app
from agentkit.server.background import BackgroundServer
from agentkit.server.config import ServerConfig, offline_model_factory, parse_api_keys
from agentkit.server.upstream import ModelSource, model_source, upstream_model_factory

__all__ = [
    "BackgroundServer",
    "ModelSource",
    "ServerConfig",
    "create_app",
    "model_source",
    "offline_model_factory",
    "parse_api_keys",
    "upstream_model_factory",
]
