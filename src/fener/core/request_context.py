"""Per-request facts (request id, client address) that the audit log records.

Kept in context variables so that services need not take the request as an argument.
Outside a request (commands, tasks) the request id is empty unless a caller sets one.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("fener_request_id", default="")
client_ip_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "fener_client_ip", default=None
)


@contextmanager
def request_context(*, request_id: str, client_ip: str | None = None) -> Iterator[None]:
    """Bind a request id (and client address) for the code run inside the block."""
    id_token = request_id_var.set(request_id)
    ip_token = client_ip_var.set(client_ip)
    try:
        yield
    finally:
        request_id_var.reset(id_token)
        client_ip_var.reset(ip_token)
