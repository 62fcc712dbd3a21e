"""Which of a batch's candidate alerts are stored already, answered from memory where it can be.

A candidate repeats a stored alert in two ways only:
- an event-derived alert (threshold, status, spike, a device resuming) has the id of its event's device and
  time, so it repeats only for another event at the same time, which is never older than the watermark
  horizon (older events are late and raise nothing);
- a missing-rule alert for a device that stays silent is raised again by every batch, at any age.

So the memory holds every stored id at or after `since` (the horizon, loaded from the table when a writer
starts, then every id this writer stores; one writer per table), and the latest missing-rule id per
(rule, device). The table is asked only about a candidate older than `since` that memory does not know,
which is a silent device the writer has not seen yet: once per device and silence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pyspark.sql import DataFrame, Row
from pyspark.sql import functions as F

#: Stands for "no horizon yet": memory then holds every stored id.
EARLIEST = datetime.min


@dataclass
class KnownAlerts:
    """Stored alert ids of one writer's alerts table. `read` gives the table (None while it does not exist)."""

    read: Callable[[], DataFrame | None]
    missing_rules: frozenset[str]
    since: datetime | None = None  # None: not loaded yet
    _recent: dict[str, datetime] = field(default_factory=dict, repr=False)
    _silent: dict[tuple[str, str], tuple[datetime, str]] = field(default_factory=dict, repr=False)

    def unknown(self, candidates: Iterable[Row], horizon: datetime | None) -> list[Row]:
        """The candidates not stored yet, each id once, in event-time order. `horizon`: the batch's watermark."""
        self._advance(horizon or EARLIEST)
        unique: dict[str, Row] = {}
        for row in candidates:
            if not self._knows(row):
                unique.setdefault(row["alert_id"], row)
        older = [r for r in unique.values() if r["event_time"] < self.since]
        for alert_id in self._stored(older):
            self.remember([unique.pop(alert_id)])
        return sorted(unique.values(), key=lambda r: (r["event_time"], r["alert_id"]))

    def remember(self, stored: Iterable[Row]) -> None:
        for row in stored:
            if row["event_time"] >= self.since:
                self._recent[row["alert_id"]] = row["event_time"]
            if row["rule_id"] in self.missing_rules:
                key = (row["rule_id"], row["device"])
                latest = self._silent.get(key)
                if latest is None or row["event_time"] >= latest[0]:
                    self._silent[key] = (row["event_time"], row["alert_id"])

    def _knows(self, row: Row) -> bool:
        alert_id = row["alert_id"]
        latest = self._silent.get((row["rule_id"], row["device"]))
        return alert_id in self._recent or (latest is not None and latest[1] == alert_id)

    def _advance(self, horizon: datetime) -> None:
        if self.since is None:
            self.since = horizon
            table = self.read()
            if table is not None:
                self.remember(table.where(F.col("event_time") >= F.lit(horizon)).collect())
            return
        if horizon > self.since:
            self.since = horizon
            self._recent = {a: t for a, t in self._recent.items() if t >= horizon}

    def _stored(self, rows: list[Row]) -> list[str]:
        """The ids of `rows` in the table: one query, in their event-time range (Delta skips other files)."""
        table = self.read() if rows else None
        if table is None:
            return []
        times = [r["event_time"] for r in rows]
        found = (
            table.where(F.col("event_time").between(min(times), max(times)))
            .where(F.col("alert_id").isin([r["alert_id"] for r in rows]))
            .select("alert_id")
            .collect()
        )
        return [r["alert_id"] for r in found]
