"""Trigger of a query: the spec's, or an override passed as a job parameter (JSON)."""

from __future__ import annotations

import json
from typing import Any

from . import durations
from .spec import StreamSpec


def trigger_kwargs(spec: StreamSpec, override: str | dict[str, Any] | None = None) -> dict[str, Any]:
    """kwargs for DataStreamWriter.trigger(). Override: '{"type": "availableNow"}' or processingTime + interval."""
    if isinstance(override, str):
        override = json.loads(override) if override.strip() else None
    kind = (override or {}).get("type", spec.trigger.type)
    if kind == "availableNow":
        return {"availableNow": True}
    if kind == "processingTime":
        interval = (override or {}).get("interval", spec.trigger.interval)
        if not durations.is_duration(interval):
            raise ValueError(f"trigger.interval: invalid duration, got {interval!r}; allowed: e.g. '10 seconds'")
        return {"processingTime": interval}
    raise ValueError(f"trigger.type: unsupported, got {kind!r}; allowed: processingTime, availableNow")
