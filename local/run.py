"""The whole pipeline on one machine: Kafka broker -> producer -> bronze -> silver -> gold + anomalies + features.

    .venv/bin/python -m local.run --duration 60 --rate 200

Runs the package's own jobs (medallion.jobs.run_*, source kafka against a local broker, lake_root mode) as
local streaming queries, shows live progress and ends with a summary (also written as summary.json).
Bounded: stops after --duration plus the time to drain, or on Ctrl-C; the broker and producers are stopped
by their pids.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "notebooks"))

from medallion import gold, jobs, joins  # noqa: E402
from medallion.alerts import InMemorySink  # noqa: E402
from medallion.spec import StreamSpec, load_spec  # noqa: E402
from medallion.tables import Tables, resolve_tables  # noqa: E402
from medallion.triggers import trigger_kwargs  # noqa: E402

from . import baselines, latency, reference  # noqa: E402
from .kafka import Broker  # noqa: E402
from .producer import ANOMALY_RULES, Mix, Producer  # noqa: E402

DEFAULT_STREAMS = ("iot-telemetry", "manufacturing-sensors", "weather")
PIPELINE = "pipeline"
SPEC_DIR = ROOT / "schema/examples/valid"
log = logging.getLogger("local.run")
# The local broker is plaintext: bronze reads no connection string from a secret scope.
NO_SECRET = {"secret_scope": "", "secret_key": "", "get_secret": lambda scope, key: ""}


#: The example spec of each stream that joins another of the default streams (schema/examples/valid/<name>.json).
JOINED_SPECS = {"iot-telemetry": "iot-telemetry-joined"}


def local_spec_json(
    name: str,
    max_per_trigger: int | None = None,
    windows: list[str] | None = None,
    enrich: bool = False,
    join: bool = False,
) -> str:
    """The example spec, pointed at the local broker: source kafka, reading from the earliest offset.

    `windows` keeps only those gold windows (ids), to lighten short runs on a small machine; `enrich` and
    `join` add the sections of the stream's enriched and joined examples where it has them (an enrichment's
    reference tables are written before the stream starts)."""
    data = json.loads((SPEC_DIR / f"{name}.json").read_text())
    variants = [(enrich, reference.ENRICHED_SPECS), (join, JOINED_SPECS)]
    for file in [names[name] for wanted, names in variants if wanted and name in names]:
        # A variant is the same stream with a section more: the producer and the summary know it by its name.
        variant = json.loads((SPEC_DIR / f"{file}.json").read_text())
        data |= {k: v for k, v in variant.items() if k not in ("name", "description")}
    if windows:
        data["windows"] = [w for w in data["windows"] if w["id"] in windows]
    data["source"]["type"] = "kafka"
    data["source"]["startingPosition"] = "earliest"
    if max_per_trigger:
        data["source"]["maxEventsPerTrigger"] = max_per_trigger
    return json.dumps(data)


@dataclass
class QueryStats:
    """Rows and batch durations of one query, merged from recentProgress by batch id."""

    batches: dict[int, dict[str, Any]] = field(default_factory=dict)

    def merge(self, progress: list[dict[str, Any]]) -> None:
        for p in progress:
            self.batches[p["batchId"]] = {
                "rows": p.get("numInputRows", 0),
                "ms": p.get("durationMs", {}).get("triggerExecution", 0),
                "timestamp": p.get("timestamp"),
            }

    @property
    def rows(self) -> int:
        return sum(b["rows"] for b in self.batches.values())

    def last_ms(self) -> int:
        data = [b for b in self.batches.values() if b["rows"]]
        return data[-1]["ms"] if data else 0


@dataclass
class StreamRun:
    spec: StreamSpec
    spec_json: str
    tables: Tables
    pipeline: str = "project"  # or a benchmark baseline (local/baselines.py)
    queries: dict[str, Any] = field(default_factory=dict)  # layer -> StreamingQuery
    stats: dict[str, QueryStats] = field(default_factory=dict)
    sink: InMemorySink = field(default_factory=InMemorySink)
    done_silver: float | None = None  # when silver had written every bronze row (its last commit)

    def poll(self) -> None:
        for layer, q in self.queries.items():
            self.stats.setdefault(layer, QueryStats()).merge(q.recentProgress)
            if q.exception() is not None:
                raise RuntimeError(f"{q.name} failed: {q.exception()}")

    def rows(self, layer: str) -> int:
        return self.stats[layer].rows if layer in self.stats else 0

    def last_ms(self, layer: str) -> int:
        return self.stats[layer].last_ms() if layer in self.stats else 0

    @property
    def source(self) -> str:
        """The query that reads Kafka."""
        return PIPELINE if self.pipeline == "project" else "bronze"

    def downstream(self) -> list[str]:
        """The queries after the one reading Kafka (this project's: the session-window and join queries)."""
        return [name for name in self.queries if name != self.source]


def start_queries(
    spark, run: StreamRun, runs: list[StreamRun], bootstrap: str, lake: Path, checkpoints: Path, trigger: str
) -> None:
    """The stream's pipeline query, then one query per session window and per join (a baseline: its queries,
    each once the table it reads exists). `runs`: every stream of the run, where a join finds its other's spec."""
    if run.pipeline != "project":
        kwargs = trigger_kwargs(run.spec, trigger)
        baselines.start(spark, run.pipeline, run.spec, run.tables, bootstrap, str(checkpoints), kwargs, run.queries)
        return
    common = {"spec": run.spec_json, "checkpoint_root": str(checkpoints), "lake_root": str(lake), "trigger": trigger}
    specs = {r.spec.name: json.loads(r.spec_json) for r in runs}
    join_specs = json.dumps({j.stream: specs[j.stream] for j in run.spec.joins if j.stream in specs})
    main, *downstream = jobs.run_pipeline(
        spark,
        kafka_bootstrap_servers=bootstrap,
        sink=run.sink,
        wait=False,
        join_specs=join_specs,
        **NO_SECRET,
        **common,
    )
    run.queries[PIPELINE] = main
    names = [gold.query_name(w) for w in run.spec.windows if w.type not in gold.CLOSED_BY_PIPELINE]
    names += [joins.query_name(j) for j in run.spec.joins]
    run.queries |= dict(zip(names, downstream, strict=True))


def progress_line(elapsed: float, producer: Producer, runs: list[StreamRun]) -> str:
    read = sum(r.rows(r.source) for r in runs)
    ms = " ".join(f"{r.spec.name}:{r.last_ms(r.source)}" for r in runs)
    return (
        f"[{elapsed:6.1f}s] produced {producer.sent:7d} | read by the pipeline {read:7d} | "
        f"lag {producer.sent - read:6d} | last batch ms {ms}"
    )


def _kafka_end(q) -> int:
    """Records the bronze query has read: the sum of its Kafka end offsets."""
    progress = q.lastProgress
    if not progress:
        return 0
    end = progress["sources"][0]["endOffset"]
    end = json.loads(end) if isinstance(end, str) else end
    return sum(int(o) for parts in (end or {}).values() for o in parts.values())


def _batch_id(q) -> int:
    """The id of the query's last ended batch (-1: none yet)."""
    progress = q.lastProgress
    return int(progress["batchId"]) if progress else -1


def _delta_last_commit(path: str) -> float:
    commits = sorted(Path(path, "_delta_log").glob("*.json"))
    return commits[-1].stat().st_mtime if commits else 0.0


def _idle_since(q, since: float) -> bool:
    """The query ran a batch that started after `since` and has found no new data since."""
    progress = q.lastProgress
    if not progress or q.status["isDataAvailable"] or q.status["isTriggerActive"]:
        return False
    started = datetime.fromisoformat(progress["timestamp"].replace("Z", "+00:00")).timestamp()
    return started > since


def drained(run: StreamRun, sent: int, spark) -> bool:
    """Every event sent is in bronze; every bronze row in silver or quarantine; session queries read all of silver.

    (Rows are counted in the tables: the pipeline's batch commits are what readers see.)
    """
    if _kafka_end(run.queries[run.source]) < sent:
        return False
    t = run.tables
    if run.pipeline != "project":
        # A baseline drops events on purpose: it is drained once every query found nothing new after bronze.
        if not baselines.complete(run.pipeline, run.spec, run.queries) or t.bronze.read(spark).count() < sent:
            return False
        if run.done_silver is None:
            run.done_silver = _delta_last_commit(t.bronze.path)
        if not all(_idle_since(run.queries[name], run.done_silver) for name in run.downstream()):
            return False
        if t.silver.exists(spark):
            run.done_silver = max(run.done_silver, _delta_last_commit(t.silver.path))
        return True
    if run.done_silver is None:
        if not t.quarantine.exists(spark):
            return False
        if silver_lag(run, spark) > 0:
            return False
        if t.bronze.read(spark).count() < sent:
            return False
        run.done_silver = _delta_last_commit(t.silver.path)
    return all(_idle_since(run.queries[name], run.done_silver) for name in run.downstream())


def silver_lag(run: StreamRun, spark) -> int:
    """Bronze rows that silver has not written to silver or quarantine yet (Delta answers counts from its log)."""
    t = run.tables
    if not t.bronze.exists(spark):
        return 0
    done = sum(table.read(spark).count() for table in (t.silver, t.quarantine) if table.exists(spark))
    return t.bronze.read(spark).count() - done


@dataclass
class BatchEndSamples:
    """A lag sampled when a batch has just ended. Between two batch ends the Kafka lag climbs by the rate, then
    drops by the batch: a steady pipeline draws a saw-tooth, and a slope fitted to every poll mostly tells
    where the window cuts a tooth. The low points lie on a line, flat while the pipeline keeps up."""

    samples: list[tuple[float, int]] = field(default_factory=list)
    _ended: tuple[int, ...] | None = None

    def observe(self, t: float, lag: int, ended: tuple[int, ...]) -> None:
        """`ended`: the id of each source query's last ended batch; a sample is kept when one has changed."""
        if ended != self._ended and self._ended is not None:
            self.samples.append((t, lag))
        self._ended = ended


def lag_growth(samples: list[tuple[float, int]], duration: float, warmup: float = 0.0) -> float | None:
    """Slope (events/s) of a lag over the second half of the measured producing (after the warm-up): about 0
    while the layer keeps up. The Kafka lag is sampled as each batch ends (`BatchEndSamples` says why).

    The first half holds the catch-up after every query's cold start, which lags at any rate."""
    late = [(t, lag) for t, lag in samples if t >= warmup + duration / 2]
    if len(late) < 3:
        return None
    mean_t = sum(t for t, _ in late) / len(late)
    mean_lag = sum(lag for _, lag in late) / len(late)
    var = sum((t - mean_t) ** 2 for t, _ in late)
    return round(sum((t - mean_t) * (lag - mean_lag) for t, lag in late) / var, 1) if var else None


def summarize(spark, runs: list[StreamRun], producer: Producer, timing: dict[str, float], out: Path) -> dict:
    from pyspark.sql import functions as F

    summary: dict[str, Any] = {"streams": {}, "lake": str(out / "lake"), "timing": timing}
    summary["pipeline"] = runs[0].pipeline
    total_bronze_lat, total_silver_lat, total_gold_lat = [], [], []
    for run in runs:
        t = run.tables
        quarantine = {}
        if t.quarantine.exists(spark):
            counts = t.quarantine.read(spark).groupBy("reason").agg(F.count("*").alias("n")).collect()
            quarantine = {r["reason"]: r["n"] for r in counts}
        alerts = {}
        if t.alerts.exists(spark):
            alerts = {
                r["rule_id"]: r["n"]
                for r in t.alerts.read(spark).groupBy("rule_id").agg(F.count("*").alias("n")).collect()
            }
        led = producer.generators[run.spec.name].ledger
        silver_ids = set()
        if t.silver.exists(spark):
            silver_ids = {r[0] for r in t.silver.read(spark).select(run.spec.event_id_field).collect()}
        gold = {w.id: (t.gold(w.id).read(spark).count() if t.gold(w.id).exists(spark) else 0) for w in run.spec.windows}
        # Latency of the measured events only: those produced after the warm-up.
        since = int(timing["measured_from"] * 1000)
        bronze_lat = latency.commit_latencies(spark, t.bronze, since)
        silver_lat = latency.silver_latencies(spark, run.spec, t, since) if t.silver.exists(spark) else []
        gold_lat = latency.gold_latencies(spark, run.spec, t, since) if t.silver.exists(spark) else []
        total_bronze_lat += bronze_lat
        total_silver_lat += silver_lat
        total_gold_lat += gold_lat
        summary["streams"][run.spec.name] = {
            "produced": producer.ledger()[run.spec.name],
            "bronze": t.bronze.read(spark).count(),
            "silver": len(silver_ids) if run.pipeline == "limit" else t.silver.read(spark).count(),
            "quarantine": dict(sorted(quarantine.items())),
            "gold": gold,
            "alerts": dict(sorted(alerts.items())),
            "silver_ids": {
                "missing": len(led.valid_ids - silver_ids),
                "unexpected": len(silver_ids - led.valid_ids),
            },
            "anomaly_rule": ANOMALY_RULES[run.spec.name],
            "alerts_dispatched": len(run.sink.sent),
            "features": t.features.read(spark).count() if t.features.exists(spark) else 0,
            "enriched": enriched_rows(spark, run),
            "joins": {j.id: joined_rows(spark, run, j, runs) for j in run.spec.joins},
            # Each pipeline batch: its id, source rows, duration (ms) and start time.
            "source_batches": [
                {"batch": b, **stats} for b, stats in sorted(run.stats[run.source].batches.items()) if stats["rows"]
            ],
            "latency_ms": {
                "bronze": latency.percentiles(bronze_lat),
                "silver": latency.percentiles(silver_lat),
                "gold": latency.percentiles(gold_lat),
            },
            "tables": {
                "bronze": t.bronze.path,
                "silver": t.silver.path,
                "quarantine": t.quarantine.path,
                "gold": [t.gold(w.id).path for w in run.spec.windows],
                "alerts": t.alerts.path,
                "features": t.features.path,
            },
        }
    sent = producer.sent
    active = max(1e-9, timing["drained_at"] - timing["first_send"])
    summary["totals"] = {
        "produced": sent,
        "bronze": sum(s["bronze"] for s in summary["streams"].values()),
        "silver": sum(s["silver"] for s in summary["streams"].values()),
        "quarantined": sum(sum(s["quarantine"].values()) for s in summary["streams"].values()),
        "alerts": sum(sum(s["alerts"].values()) for s in summary["streams"].values()),
        "throughput_events_per_s": round(sent / active, 1),
        "throughput_by_layer": {
            layer: round(sent / max(1e-9, timing[f"{layer}_done"] - timing["first_send"]), 1)
            for layer in ("bronze", "silver")
        }
        | {"gold": round(sent / active, 1)},
        "max_lag_events": timing["max_lag"],
        "lag_growth_events_per_s": timing["lag_growth"],
        "silver_lag_growth_events_per_s": timing["silver_lag_growth"],
        "drain_seconds": round(timing["drained_at"] - timing["last_send"], 2),
        # Backlog runs: everything was produced before the queries started.
        "backlog_events_per_s": round(sent / max(1e-9, timing["drained_at"] - timing["queries_started"]), 1),
        "latency_ms": {
            "bronze": latency.percentiles(total_bronze_lat),
            "silver": latency.percentiles(total_silver_lat),
            "gold": latency.percentiles(total_gold_lat),
        },
    }
    return summary


def joined_rows(spark, run: StreamRun, join, runs: list[StreamRun]) -> dict[str, int]:
    """A join's table against the pairs the two silver tables hold at the end (a batch join, same condition):
    the streaming join writes a pair only while both rows are within their watermarks, so it may hold fewer
    pairs, never one the silver tables do not hold, and never one twice. `not_in_silver` is a difference of
    multisets, so a pair written twice counts there. (Two pairs can be equal rows: the other stream's
    `columns` need not tell its events apart.)"""
    from pyspark.sql import functions as F

    table = run.tables.join(join.id)
    other = next(r for r in runs if r.spec.name == join.stream)
    pairs = joins.joined(run.tables.silver.read(spark), other.tables.silver.read(spark), run.spec, other.spec, join)
    expected = pairs.where(F.col(join.columns[0]).isNotNull())
    rows = table.read(spark) if table.exists(spark) else expected.limit(0)
    matched = rows.where(F.col(join.columns[0]).isNotNull())
    return {
        "rows": rows.count(),
        "matched": matched.count(),
        "pairs_in_silver": expected.count(),
        "not_in_silver": matched.exceptAll(expected).count(),
    }


def enriched_rows(spark, run: StreamRun) -> int | None:
    """Silver rows whose first enrichment found its reference row (None for a stream without enrichment)."""
    if not run.spec.enrichment or not run.tables.silver.exists(spark):
        return None
    return run.tables.silver.read(spark).where(f"{run.spec.enrichment[0].columns[0]} IS NOT NULL").count()


def print_summary(summary: dict) -> None:
    tot = summary["totals"]
    print("\n=== summary ===")
    for name, s in summary["streams"].items():
        p = s["produced"]
        print(f"{name}: produced {p['sent']} {p['categories']}")
        print(
            f"  bronze {s['bronze']}  silver {s['silver']} (expected {p['expected_silver']})  "
            f"quarantine {s['quarantine']}"
        )
        print(f"  gold rows {s['gold']}  alerts {s['alerts']}  features {s['features']}")
        if s["enriched"] is not None:
            print(f"  enriched silver rows {s['enriched']} of {s['silver']}")
        for join_id, j in s["joins"].items():
            pairs = j["pairs_in_silver"]
            print(f"  join {join_id}: {j['rows']} rows, {j['matched']} matched (pairs in silver {pairs})")
        print(f"  latency ms silver {s['latency_ms']['silver']}  gold {s['latency_ms']['gold']}")
    print(
        f"total: produced {tot['produced']}  bronze {tot['bronze']}  silver {tot['silver']}  "
        f"quarantined {tot['quarantined']}  alerts {tot['alerts']}"
    )
    print(
        f"throughput {tot['throughput_events_per_s']} events/s (first produce -> all layers drained); "
        f"drain after the last event {tot['drain_seconds']} s; lag growth over the second half: bronze "
        f"{tot['lag_growth_events_per_s']} events/s, silver {tot['silver_lag_growth_events_per_s']} events/s"
    )
    print(f"latency ms (produce -> readable) silver {tot['latency_ms']['silver']}  gold {tot['latency_ms']['gold']}")
    print(f"tables under {summary['lake']}")


def watch(
    args: argparse.Namespace, spark, runs: list[StreamRun], producer: Producer, restart: Callable[[StreamRun], None]
) -> dict[str, Any]:
    """Polls the queries while the producer runs and until every stream has drained; returns the timings.

    A baseline's later queries start once the tables they read exist (`restart`)."""
    start = time.monotonic()
    next_print = start
    deadline = None
    max_lag, bronze_done = 0, None
    kafka_lag = BatchEndSamples()
    # (seconds since start, bronze rows not yet in silver or quarantine): at each progress line (counts).
    silver_lag_samples: list[tuple[float, int]] = []
    while True:
        for r in runs:
            if r.pipeline != "project" and not baselines.complete(r.pipeline, r.spec, r.queries):
                restart(r)
            r.poll()
        # Late events need a watermark to be late against: the pipeline has committed a batch with rows.
        if not producer.gate.is_set() and all(r.rows(r.source) > 0 for r in runs):
            producer.gate.set()
        if producer.error is not None:
            raise RuntimeError(f"producer failed: {producer.error}")
        if time.monotonic() >= next_print:
            print(progress_line(time.monotonic() - start, producer, runs), flush=True)
            next_print += args.progress
            if not producer.done.is_set() and args.pipeline == "project":
                silver_lag_samples.append((time.monotonic() - start, sum(silver_lag(r, spark) for r in runs)))
        lag = producer.sent - sum(_kafka_end(r.queries[r.source]) for r in runs)
        max_lag = max(max_lag, lag)
        ended = tuple(_batch_id(r.queries[r.source]) for r in runs)
        if not producer.done.is_set():
            kafka_lag.observe(time.monotonic() - start, lag, ended)
        if producer.done.is_set():
            if bronze_done is None and lag <= 0:
                bronze_done = time.time()
            if deadline is None:
                deadline = time.monotonic() + args.drain_timeout
                sent = producer.sent_by_stream()
            if all(drained(r, sent[r.spec.name], spark) for r in runs):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"queries did not drain within {args.drain_timeout} s")
        time.sleep(0.25)
    timing = {
        "first_send": producer.first_send,
        "measured_from": (producer.first_send or 0.0) + (0.0 if args.backlog else args.warmup),
        "last_send": producer.last_send,
        "bronze_done": bronze_done or time.time(),
        "silver_done": max(r.done_silver or 0 for r in runs),
        "drained_at": time.time(),
        "max_lag": max_lag,
        "lag_growth": lag_growth(kafka_lag.samples, args.duration, args.warmup),
        "silver_lag_growth": lag_growth(silver_lag_samples, args.duration, args.warmup),
    }
    print(progress_line(time.monotonic() - start, producer, runs), flush=True)
    return timing


def run(args: argparse.Namespace) -> dict:
    from medallion.session import local_session

    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lake, checkpoints = out / "lake", out / "checkpoints"
    trigger = json.dumps({"type": "processingTime", "interval": args.trigger})
    # A backlog is produced before any watermark exists, so it holds no late events.
    late = 0.0 if args.backlog else args.late
    mix = Mix(args.anomaly, args.out_of_order, late, args.duplicate, args.malformed)
    runs: list[StreamRun] = []
    broker = Broker(out / "kafka", handle_signals=False)
    producer: Producer | None = None
    spark = None
    timing: dict[str, float] = {}
    print(f"starting Kafka {broker.dir} ...", flush=True)
    try:
        broker.start()
        specs = {
            name: local_spec_json(name, args.max_per_trigger, args.windows, args.enrich, args.join)
            for name in args.streams
        }
        broker.create_topics(
            {load_spec(j).source.event_hub_name: load_spec(j).source.partitions for j in specs.values()}
        )
        print(f"broker on {broker.bootstrap_servers} (pid {broker.pid}); starting Spark ...", flush=True)
        spark = local_session(str(out / "warehouse"), app_name="medallion-local-run", with_kafka=True)
        spark.sparkContext.setLogLevel("ERROR")
        for spec_json in specs.values():
            spec = load_spec(spec_json)
            runs.append(StreamRun(spec, spec_json, resolve_tables(spec, None, str(lake)), args.pipeline))
            reference.write_reference_tables(spark, spec, runs[-1].tables)
        producing = args.warmup + args.duration
        producer = Producer(broker, [r.spec for r in runs], args.rate, producing, mix, seed=args.seed)
        if args.backlog:
            producer.gate.set()
            producer.start().done.wait()
            print(f"backlog of {producer.sent} events produced; starting the queries", flush=True)
        timing["queries_started"] = time.time()
        for r in runs:
            start_queries(spark, r, runs, broker.bootstrap_servers, lake, checkpoints, trigger)
        if not args.backlog:
            producer.start()
        print(f"{args.pipeline} running; producing {args.rate} events/s for {producing} s", flush=True)

        def restart(r: StreamRun) -> None:
            start_queries(spark, r, runs, broker.bootstrap_servers, lake, checkpoints, trigger)

        timing |= watch(args, spark, runs, producer, restart)
        for r in runs:
            for q in r.queries.values():
                q.stop()
        summary = summarize(spark, runs, producer, timing, out)
        summary["broker_pid"] = broker.pid
        summary["producer_pids"] = producer.pids()
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
        return summary
    finally:
        if producer is not None:
            producer.stop()
        for r in runs:
            for q in r.queries.values():
                with contextlib.suppress(Exception):
                    q.stop()
        if spark is not None:
            spark.stop()
        broker.close()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m local.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=60, help="seconds of producing that are measured (default 60)")
    p.add_argument(
        "--warmup",
        type=float,
        default=0.0,
        help="seconds of producing before the measured part: lag growth and latencies leave them out (default 0)",
    )
    p.add_argument("--rate", type=float, default=200, help="events/s in total over all streams (default 200)")
    p.add_argument("--streams", nargs="+", default=list(DEFAULT_STREAMS), choices=DEFAULT_STREAMS)
    p.add_argument("--windows", nargs="+", default=None, help="keep only these gold window ids (default: all)")
    p.add_argument("--trigger", default="1 second", help="processingTime interval of every query (default 1 second)")
    p.add_argument("--pipeline", default="project", choices=baselines.PIPELINES, help="what runs (default project)")
    p.add_argument("--backlog", action="store_true", help="produce everything first, then start the queries")
    p.add_argument(
        "--enrich", action="store_true", help="join each stream's reference data (where it has some) to silver"
    )
    p.add_argument(
        "--join",
        action="store_true",
        help="run each stream's joined example where it has one (iot-telemetry: manufacturing-sensors by location)",
    )
    p.add_argument("--max-per-trigger", type=int, default=None, help="override the specs' maxEventsPerTrigger")
    p.add_argument("--out", default=".local-run", help="lake, checkpoints, broker data, summary.json")
    p.add_argument("--progress", type=float, default=2.0, help="seconds between progress lines")
    p.add_argument("--drain-timeout", type=float, default=300.0, help="seconds to drain after producing (default 300)")
    p.add_argument("--seed", type=int, default=7)
    for name, default in (
        ("anomaly", 0.03),
        ("out-of-order", 0.05),
        ("late", 0.02),
        ("duplicate", 0.03),
        ("malformed", 0.03),
    ):
        p.add_argument(f"--{name}", type=float, default=default, help=f"share of {name} events (default {default})")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.join:
        for name in args.streams:
            for j in load_spec(local_spec_json(name, join=True)).joins:
                if j.stream not in args.streams:
                    p.error(f"--join: {name}'s join {j.id} reads stream {j.stream}; add it to --streams")
    os.environ.setdefault("TZ", "UTC")
    time.tzset()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("py4j").setLevel(logging.WARNING)
    # SIGTERM as an exception: the finally blocks stop queries, Spark and the broker.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(143)))
    try:
        summary = run(args)
    except KeyboardInterrupt:
        print("\ninterrupted: queries, producers and broker stopped", file=sys.stderr)
        return 130
    print_summary(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
