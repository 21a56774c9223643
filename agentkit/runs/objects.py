"""Deprecated: the Assistants-shaped records moved to `agentkit.records`."""

from agentkit.deprecation import moved_names

__getattr__ = moved_names(__name__, {"*": "agentkit.records"})
