"""HTTP behind one small interface: the real one (urllib) and a replay of recorded JSON responses for tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Transport(Protocol):
    def send(self, request: Request) -> Response: ...


class UrllibTransport:
    """HTTPS with urllib; an HTTP error status is a Response, not an exception (callers map it to a message)."""

    def __init__(self, timeout: float = 60.0):
        self.timeout = timeout

    def send(self, request: Request) -> Response:
        if not request.url.startswith("https://"):
            raise ValueError(f"only https:// URLs are called, got {request.url}")
        req = urllib.request.Request(request.url, data=request.body, headers=request.headers, method=request.method)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                return Response(resp.status, resp.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read())


class ReplayTransport:
    """Answers from a recording: a JSON list of {"method", "url" (prefix), "status", "body"} consumed in order.

    `values` fills `{name}` placeholders in urls and bodies, so recordings hold no real host, id or secret.
    Every request is kept in `requests` for assertions.
    """

    def __init__(self, exchanges: list[dict[str, Any]], values: dict[str, str] | None = None):
        self.exchanges = list(exchanges)
        self.values = values or {}
        self.requests: list[Request] = []

    @classmethod
    def load(cls, path: Path, values: dict[str, str] | None = None) -> ReplayTransport:
        return cls(json.loads(path.read_text()), values)

    def _fill(self, text: str) -> str:
        for name, value in self.values.items():
            text = text.replace("{" + name + "}", value)
        return text

    def send(self, request: Request) -> Response:
        self.requests.append(request)
        if not self.exchanges:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        exchange = self.exchanges.pop(0)
        expected = self._fill(exchange["url"])
        if exchange["method"] != request.method or not request.url.startswith(expected):
            raise AssertionError(f"expected {exchange['method']} {expected}, got {request.method} {request.url}")
        body = exchange.get("body")
        text = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
        return Response(exchange["status"], self._fill(text).encode())
