"""agentkit: tool-using AI assistants on asyncio."""

__version__ = "0.1.0.dev0"
