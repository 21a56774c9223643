"""How long agentkit's HTTP servers (`agentkit serve`, `FakeOpenAI.serve`) keep idle connections.

Longer than the clients' own keep-alive (httpx2 drops idle connections after 5 s), so that a
client never sends a request on a connection the server is closing at that moment (a spurious
connection error).
"""

__all__ = ["KEEP_ALIVE_SECONDS"]

KEEP_ALIVE_SECONDS = 75
