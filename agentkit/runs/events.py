"""Deprecated: the run events moved to `agentkit.events`."""

from agentkit.deprecation import moved_names

__getattr__ = moved_names(__name__, {"*": "agentkit.events"})
