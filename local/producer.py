"""Simulated events for the default app's streams, with a recorded share of impaired events.

Every event the producer sends has one category, and the producer keeps exact counts of each:
  normal        valid, event time = the stream's event clock
  anomaly       valid, with a value that trips a threshold rule of the spec (-> an alert)
  out_of_order  valid, event time a fraction of the watermark in the past (accepted by silver)
  late          valid, event time far beyond the watermark (silver quarantines it as `late`)
  duplicate     a resend of a normal event sent a moment before (silver quarantines it as `duplicate`)
  malformed     one defect each: malformed_json, missing_required, type_mismatch, not_allowed, out_of_range

Event clock: the event time of the stream runs `speedup` times faster than the wall clock (by default the
watermark spans 10 wall seconds), so a one-minute run closes gold windows. Late events are held back until
the gate opens (silver has committed a batch with rows): before that there is no watermark to be late
against, which would make the accounting depend on batch timing. Held-back late events are sent as soon
as the gate opens (at the latest after the run's duration, waiting up to `gate_timeout`).

Events go through Kafka's own console producer (one JVM per topic, reading key<TAB>value lines on stdin);
the record timestamp (CreateTime) is the produce time.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from medallion import durations
from medallion.spec import StreamSpec

from .kafka import JVM_OPTS, Broker

CATEGORIES = ("normal", "anomaly", "out_of_order", "late", "duplicate", "malformed")
DEFECTS = ("malformed_json", "missing_required", "type_mismatch", "not_allowed", "out_of_range")


@dataclass
class Mix:
    """Shares of impaired events (the rest are normal)."""

    anomaly: float = 0.03
    out_of_order: float = 0.05
    late: float = 0.02
    duplicate: float = 0.03
    malformed: float = 0.03

    def pick(self, rng: random.Random, gated: bool) -> str:
        r = rng.random()
        for name in ("anomaly", "out_of_order", "late", "duplicate", "malformed"):
            share = getattr(self, name)
            if r < share:
                return "deferred_late" if gated and name == "late" else name
            r -= share
        return "normal"


def _iso(ts: datetime) -> str:
    return ts.replace(tzinfo=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Values per stream. Normal readings stay near a per-device level (small noise), so they trip no rule: not a
# threshold, and not a spike either (a jump of 20-50 % between a device's readings, by stream). Anomalies
# trip the stream's threshold rule (and so, coming from a normal level, usually its spike rule too).
def _near(level: float, rng: random.Random, noise: float) -> float:
    return round(level + rng.uniform(-noise, noise), 2)


def _iot(rng: random.Random, device: int, anomaly: bool) -> dict[str, Any]:
    return {
        "device_id": f"dev-{device:03d}",
        # Levels 15-34 C, noise 0.5: at most 1/15 = 7 % between two readings (spike rule: 20 %).
        "temperature": round(rng.uniform(101, 140), 2) if anomaly else _near(15 + device, rng, 0.5),
        "humidity": _near(40 + device, rng, 2),
        "location": f"site-{device % 4}",
        "status": "normal",
    }


def _manufacturing(rng: random.Random, device: int, anomaly: bool) -> dict[str, Any]:
    fahrenheit = device % 3 == 0
    # Levels 40-78 C, noise 1: at most 2/40 = 5 % between two readings (spike rule: 25 %).
    celsius = rng.uniform(310, 450) if anomaly else _near(40 + 2 * device, rng, 1)
    return {
        "sensor_id": f"sensor-{device:03d}",
        "device_type": ("thermocouple", "rtd", "infrared")[device % 3],
        "value": round(celsius * 9 / 5 + 32 if fahrenheit else celsius, 2),
        "unit": "fahrenheit" if fahrenheit else "celsius",
        # Sites the IoT devices report from too: the joined example pairs the two streams by location.
        "location": f"site-{device % 3}",
        "status": "ok",
    }


def _weather(rng: random.Random, device: int, anomaly: bool) -> dict[str, Any]:
    return {
        "station_id": f"station-{device:02d}",
        # Levels 5-24 C, noise 0.5: at most 1/5 = 20 % between two readings (spike rule: 50 %).
        "temperature": _near(5 + device, rng, 0.5),
        "humidity": _near(50 + device, rng, 2),
        "wind_speed": round(rng.uniform(65, 110) if anomaly else _near(5 + device, rng, 2), 2),
        "precipitation": round(rng.uniform(0, 5), 2),
        "conditions": ("clear", "cloudy", "rain")[device % 3],
        "wind_direction": rng.randrange(0, 360),
    }


GENERATORS = {"iot-telemetry": _iot, "manufacturing-sensors": _manufacturing, "weather": _weather}
ANOMALY_RULES = {"iot-telemetry": "high_temperature", "manufacturing-sensors": "overheat", "weather": "gale"}
DEVICES = 20


@dataclass
class StreamLedger:
    """What was sent to one stream: exact counts, and the expected outcome of each event."""

    counts: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)  # expected quarantine reason -> count
    valid_ids: set[str] = field(default_factory=set)  # expected in silver
    anomaly_ids: set[str] = field(default_factory=set)
    sent: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "categories": {c: self.counts.get(c, 0) for c in CATEGORIES},
            "expected_silver": len(self.valid_ids),
            "expected_quarantine": dict(sorted(self.reasons.items())),
            "anomalies": len(self.anomaly_ids),
        }


class StreamGenerator:
    """Events of one stream, following its spec (fields, ids, event time, watermark, ranges)."""

    def __init__(self, spec: StreamSpec, mix: Mix, seed: int, speedup: float | None = None):
        self.spec = spec
        self.mix = mix
        self.rng = random.Random(seed)  # noqa: S311 - simulated data, not crypto
        self.watermark = durations.to_seconds(spec.watermark)
        self.speedup = speedup or self.watermark / 10.0
        self.start_wall = time.monotonic()
        self.start_event = datetime.now(UTC).replace(tzinfo=None)
        self.ledger = StreamLedger()
        # (wall, key, line) of normal events, oldest first, for duplicates.
        self.recent: deque[tuple[float, str, str]] = deque()
        self.seq = 0
        self.deferred_late = 0
        self.generate = GENERATORS[spec.name]

    def clock(self) -> datetime:
        return self.start_event + timedelta(seconds=(time.monotonic() - self.start_wall) * self.speedup)

    def _valid(self, event_time: datetime, anomaly: bool = False) -> tuple[str, dict[str, Any]]:
        self.seq += 1
        event_id = f"{self.spec.name}-{self.seq:08d}"
        body = {self.spec.event_id_field: event_id, self.spec.event_time_field: _iso(event_time)}
        body |= self.generate(self.rng, self.rng.randrange(DEVICES), anomaly)
        return event_id, body

    def _defect(self, kind: str, body: dict[str, Any]) -> tuple[str, str]:
        """(line, expected reason) with exactly one defect."""
        spec = self.spec
        if kind == "malformed_json":
            return json.dumps(body)[: self.rng.randrange(5, 25)], "malformed_json"
        if kind == "missing_required":
            body.pop(spec.entity_field)
            return json.dumps(body), f"missing_required:{spec.entity_field}"
        if kind == "type_mismatch":
            f = next(f for f in spec.fields if f.type == "double" and f.required)
            body[f.name] = "n/a"
            return json.dumps(body), f"type_mismatch:{f.name}"
        if kind == "not_allowed":
            f = next(f for f in spec.fields if f.allowed)
            body[f.name] = "bogus"
            return json.dumps(body), f"not_allowed:{f.name}"
        f = next(f for f in spec.fields if f.max is not None and f.type == "double")
        body[f.name] = f.max * 20 + 1000
        return json.dumps(body), f"out_of_range:{f.name}"

    def next_event(self, gate_open: bool, category: str | None = None) -> tuple[str, str]:
        """(key, JSON line) of the next event; records it in the ledger."""
        led = self.ledger
        now_wall = time.monotonic()
        category = category or self.mix.pick(self.rng, gated=not gate_open)
        if category == "deferred_late":  # sent once the gate opens (see send_deferred)
            self.deferred_late += 1
            category = "normal"
        # Duplicates resend a normal event of the last 1.5 wall seconds (well inside the watermark).
        while self.recent and now_wall - self.recent[0][0] >= 1.5:
            self.recent.popleft()
        if category == "duplicate" and not self.recent:
            category = "normal"
        led.counts[category] += 1
        led.sent += 1
        if category == "duplicate":
            _, key, line = self.rng.choice(self.recent)
            led.reasons["duplicate"] += 1
            return key, line
        clock = self.clock()
        if category == "out_of_order":
            event_time = clock - timedelta(seconds=self.watermark * self.rng.uniform(0.1, 0.3))
        elif category == "late":
            event_time = clock - timedelta(days=1, seconds=self.watermark)
        else:
            event_time = clock
        event_id, body = self._valid(event_time, anomaly=category == "anomaly")
        if category == "malformed":
            line, reason = self._defect(self.rng.choice(DEFECTS), body)
            led.reasons[reason] += 1
            return event_id, line
        line = json.dumps(body)
        if category == "late":
            led.reasons["late"] += 1
            return event_id, line
        led.valid_ids.add(event_id)
        if category == "anomaly":
            led.anomaly_ids.add(event_id)
        if category == "normal":
            self.recent.append((now_wall, event_id, line))
        return event_id, line


class ConsoleProducer:
    """Kafka's console producer for one topic (a child JVM, stopped by its pid)."""

    def __init__(self, broker: Broker, topic: str):
        cmd = ["java", *JVM_OPTS[2:], "-Xmx256m", f"-Dlog4j.configuration=file:{broker.dir / 'log4j.properties'}"]
        cmd += [f"-Dkafka.logs.dir={broker.dir / 'logs'}", "-cp", broker.classpath(), "kafka.tools.ConsoleProducer"]
        cmd += ["--bootstrap-server", broker.bootstrap_servers, "--topic", topic]
        cmd += ["--property", "parse.key=true", "--property", "key.separator=\t"]
        cmd += ["--producer-property", "acks=all", "--producer-property", "linger.ms=5"]
        log = (broker.dir / "logs" / f"producer-{topic}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )

    def send(self, lines: list[str]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("".join(lines))
        self.process.stdin.flush()

    def close(self, timeout: float = 60.0) -> int:
        """EOF on stdin: the producer flushes every record (acks=all), then exits. Its exit code."""
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            return -9


class Producer:
    """Sends `rate` events/s in total (spread evenly over the streams) for `duration` seconds, in a thread."""

    def __init__(
        self,
        broker: Broker,
        specs: list[StreamSpec],
        rate: float,
        duration: float,
        mix: Mix | None = None,
        seed: int = 7,
        tick: float = 0.1,
        gate_timeout: float = 300.0,
    ):
        self.gate_timeout = gate_timeout
        self.broker, self.specs, self.rate, self.duration, self.tick = broker, specs, rate, duration, tick
        self.generators = {s.name: StreamGenerator(s, mix or Mix(), seed + i) for i, s in enumerate(specs)}
        self.gate = threading.Event()
        self.stop_event = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.first_send: float | None = None
        self.last_send: float | None = None
        self._producers = {s.name: ConsoleProducer(broker, s.source.event_hub_name) for s in specs}
        self._thread = threading.Thread(target=self._run, name="producer", daemon=True)

    @property
    def sent(self) -> int:
        return sum(g.ledger.sent for g in self.generators.values())

    def sent_by_stream(self) -> dict[str, int]:
        return {name: g.ledger.sent for name, g in self.generators.items()}

    def start(self) -> Producer:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            per_stream = self.rate / len(self.specs)
            start = time.monotonic()
            self.first_send = time.time()
            ticks = 0
            owed = 0.0
            while not self.stop_event.is_set():
                elapsed = time.monotonic() - start
                if elapsed >= self.duration:
                    break
                owed += per_stream * self.tick
                n = int(owed)
                owed -= n
                for name, gen in self.generators.items():
                    lines = [f"{k}\t{v}\n" for k, v in (gen.next_event(self.gate.is_set()) for _ in range(n))]
                    if lines:
                        self._producers[name].send(lines)
                self.last_send = time.time()
                ticks += 1
                time.sleep(max(0.0, start + ticks * self.tick - time.monotonic()))
                if self.gate.is_set():
                    self._send_deferred()
            if not self.stop_event.is_set() and any(g.deferred_late for g in self.generators.values()):
                if not self.gate.wait(self.gate_timeout):
                    raise TimeoutError(f"silver committed no batch within {self.gate_timeout} s")
                self._send_deferred()
            self.last_send = time.time()
        except BaseException as e:
            self.error = e
        finally:
            codes = {name: p.close() for name, p in self._producers.items()}
            if any(codes.values()) and self.error is None:
                self.error = RuntimeError(f"console producer failed: {codes}; see {self.broker.dir}/logs")
            self.done.set()

    def _send_deferred(self) -> None:
        for name, gen in self.generators.items():
            n, gen.deferred_late = gen.deferred_late, 0
            lines = [f"{k}\t{v}\n" for k, v in (gen.next_event(True, "late") for _ in range(n))]
            if lines:
                self._producers[name].send(lines)

    def stop(self) -> None:
        self.stop_event.set()
        self._thread.join(90)

    def ledger(self) -> dict[str, dict[str, Any]]:
        return {name: g.ledger.to_dict() for name, g in self.generators.items()}

    def pids(self) -> list[int]:
        return [p.process.pid for p in self._producers.values()]
