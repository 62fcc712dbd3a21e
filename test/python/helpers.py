"""Hand-made input for the streaming tests: canonical raw events as JSON-lines files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 1, 1, 10, 0, 0)
AVAILABLE_NOW = '{"type": "availableNow"}'


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    """A naive UTC timestamp relative to 10:00:00 (the session time zone is UTC)."""
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def iso(ts: datetime) -> str:
    return ts.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


class EventFiles:
    """Canonical raw events (the shape every source is normalized to) as JSON-lines files."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.offset = 0

    def write(self, name: str, bodies: list[Any], partition: str = "0") -> None:
        lines = []
        for body in bodies:
            text = body if isinstance(body, str) or body is None else json.dumps(body)
            lines.append(
                json.dumps(
                    {
                        "body": text,
                        "source_type": "file",
                        "source_partition": partition,
                        "source_offset": str(self.offset),
                        "source_sequence": self.offset,
                        "enqueued_time": iso(at(seconds=self.offset)),
                    }
                )
            )
            self.offset += 1
        # Write then rename: the file source must never see a half-written file.
        tmp = self.directory / f".{name}.tmp"
        tmp.write_text("\n".join(lines) + "\n")
        tmp.rename(self.directory / f"{name}.json")


def event(
    event_id: str | None,
    device: str,
    ts: datetime,
    temperature: Any = 20.0,
    location: str = "lab",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"event_id": event_id, "device_id": device, "timestamp": iso(ts), "location": location}
    if temperature is not None:
        body["temperature"] = temperature
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def run_available_now(spark, spec_json: str, root: Path, input_dir: Path, sink=None) -> None:
    """The stream's job once, availableNow, tables under <root>/lake (a second call is a restart). The file
    source stands in for Event Hubs / Kafka: the readers are the only difference on Databricks."""
    from medallion import jobs, sources
    from medallion.alerts import InMemorySink

    jobs.run_pipeline(
        spark,
        spec=spec_json,
        checkpoint_root=str(root / "checkpoints"),
        lake_root=str(root / "lake"),
        trigger=AVAILABLE_NOW,
        sink=sink if sink is not None else InMemorySink(),
        source=sources.read_files(spark, str(input_dir)),
    )
