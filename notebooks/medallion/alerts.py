"""Alert sinks: where detected anomalies are dispatched (pluggable).

The alerts table is an outbox: an alert is sent only while its `dispatched` flag is false, and the flag is
set right after sending, so a replayed micro-batch does not send again. The small window between a send and
its flag is covered by the idempotency key (the deterministic alert id) that every sink passes on.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    alert_id: str
    rule_id: str
    rule_type: str
    severity: str
    device: str
    event_time: datetime
    field: str | None
    observed: str | None
    detail: str

    def to_json(self) -> str:
        data = asdict(self)
        data["event_time"] = self.event_time.isoformat()
        return json.dumps(data, sort_keys=True)


class AlertSink(Protocol):
    def send(self, alert: Alert) -> None:
        """Deliver one alert; raise to leave it in the outbox for the next batch."""


class LoggingSink:
    def __init__(self, logger: logging.Logger | None = None):
        self.logger = logger or log

    def send(self, alert: Alert) -> None:
        self.logger.warning("ALERT %s", alert.to_json())


class InMemorySink:
    """Records every send (tests)."""

    def __init__(self) -> None:
        self.sent: list[Alert] = []

    def send(self, alert: Alert) -> None:
        self.sent.append(alert)


class WebhookSink:
    """POSTs the alert as JSON with an Idempotency-Key header (receivers can drop a re-send)."""

    def __init__(self, url: str, timeout_seconds: float = 10.0):
        if not url.startswith(("https://", "http://")):
            raise ValueError("webhook url must be http(s)")
        self._url = url
        self.timeout_seconds = timeout_seconds

    def __repr__(self) -> str:
        # Webhook URLs often carry a signature: never print them.
        return "WebhookSink(url=<redacted>)"

    def send(self, alert: Alert) -> None:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self._url,
            data=alert.to_json().encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": alert.alert_id},
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"webhook answered {response.status}")
