"""Capacity of each layer: how many events per second it processes when the work is already waiting.

    .venv/bin/python bench/streaming/capacity.py --events 20000 200000 --runs 3

Per run: a fresh Kafka broker and lake; `events` events of one stream (default iot-telemetry, the default
impairment mix without late events: with no watermark yet they would not be late) are produced into Kafka
first; then each layer runs alone, with the `availableNow` trigger, over everything its source holds:
bronze (Kafka -> Delta), silver, gold (each window of the spec), anomalies, features. A layer's events/s
is its input rows / its wall time (query start to stop, so per-query start-up is included, as it is for a
job that catches up after a pause). The rate sweep (`run.py`) shows the same machine with every layer
running at once; this shows which layer limits it and how the cost splits into per-batch and per-event.
Writes a JSON file and prints a Markdown table for bench/streaming/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "notebooks"))

from local.kafka import Broker  # noqa: E402
from local.producer import ConsoleProducer, Mix, StreamGenerator  # noqa: E402
from local.run import NO_SECRET, local_spec_json  # noqa: E402
from medallion import jobs  # noqa: E402
from medallion.alerts import InMemorySink  # noqa: E402
from medallion.spec import load_spec  # noqa: E402
from medallion.tables import resolve_tables  # noqa: E402

LAYERS = ("bronze", "silver", "gold", "anomalies", "features")
AVAILABLE_NOW = json.dumps({"type": "availableNow"})


def preload(broker: Broker, spec_json: str, events: int, seed: int) -> int:
    """Produce `events` events as fast as the console producer takes them; returns how many were sent."""
    spec = load_spec(spec_json)
    generator = StreamGenerator(spec, Mix(late=0.0), seed)
    producer = ConsoleProducer(broker, spec.source.event_hub_name)
    chunk = 5000
    for start in range(0, events, chunk):
        producer.send(
            [f"{k}\t{v}\n" for k, v in (generator.next_event(True) for _ in range(min(chunk, events - start)))]
        )
    code = producer.close(timeout=600)
    if code:
        raise RuntimeError(f"console producer exited with {code}; see {broker.dir}/logs")
    return generator.ledger.sent


def time_layer(spark, layer: str, spec_json: str, bootstrap: str, lake: Path, checkpoints: Path) -> dict:
    common = {"spec": spec_json, "checkpoint_root": str(checkpoints), "lake_root": str(lake)}
    common |= {"trigger": AVAILABLE_NOW, "wait": True, "report_progress": False}
    started = time.perf_counter()
    if layer == "bronze":
        queries = jobs.run_bronze(spark, kafka_bootstrap_servers=bootstrap, **NO_SECRET, **common)
    elif layer == "anomalies":
        queries = jobs.run_anomalies(spark, sink=InMemorySink(), **common)
    else:
        queries = getattr(jobs, f"run_{layer}")(spark, **common)
    seconds = time.perf_counter() - started
    progress = [p for q in queries for p in q.recentProgress]
    for q in queries:
        if q.exception() is not None:
            raise RuntimeError(f"{q.name} failed: {q.exception()}")
    return {
        "seconds": round(seconds, 2),
        "batches": len([p for p in progress if p["numInputRows"]]),
        # foreachBatch queries report each scan of the batch; the source's rows are the first query's.
        "input_rows": sum(p["numInputRows"] for p in queries[0].recentProgress),
    }


def one_run(args: argparse.Namespace, events: int, out: Path) -> dict:
    from medallion.session import local_session

    spec_json = local_spec_json(args.stream, args.max_per_trigger, args.windows)
    spec = load_spec(spec_json)
    lake, checkpoints = out / "lake", out / "checkpoints"
    broker = Broker(out / "kafka", handle_signals=False)
    spark = None
    try:
        broker.start()
        broker.create_topics({spec.source.event_hub_name: spec.source.partitions})
        t = time.perf_counter()
        sent = preload(broker, spec_json, events, args.seed)
        produce_s = time.perf_counter() - t
        spark = local_session(str(out / "warehouse"), app_name="medallion-capacity", with_kafka=True)
        spark.sparkContext.setLogLevel("ERROR")
        layers = {
            layer: time_layer(spark, layer, spec_json, broker.bootstrap_servers, lake, checkpoints) for layer in LAYERS
        }
        tables = resolve_tables(spec, None, str(lake))
        bronze_rows = tables.bronze.read(spark).count()
        silver_rows, quarantined = tables.silver.read(spark).count(), tables.quarantine.read(spark).count()
        if bronze_rows != sent or silver_rows + quarantined != bronze_rows:
            raise AssertionError(f"accounting: sent {sent}, bronze {bronze_rows}, silver {silver_rows} + {quarantined}")
        for layer, rows in (("bronze", sent), ("silver", bronze_rows)):
            layers[layer]["events_per_s"] = round(rows / layers[layer]["seconds"], 1)
        for layer in ("gold", "anomalies", "features"):
            layers[layer]["events_per_s"] = round(silver_rows / layers[layer]["seconds"], 1)
        end_to_end = sum(v["seconds"] for v in layers.values())
        return {
            "events": sent,
            "produce_s": round(produce_s, 2),
            "silver": silver_rows,
            "quarantined": quarantined,
            "layers": layers,
            "pipeline_events_per_s": round(sent / end_to_end, 1),
        }
    finally:
        if spark is not None:
            spark.stop()
        broker.close()


def aggregate(runs: list[dict]) -> dict:
    def med(values: list[float]) -> float:
        return round(statistics.median(values), 1)

    return {
        "events": runs[0]["events"],
        "runs": len(runs),
        "layers": {
            layer: {
                "seconds": med([r["layers"][layer]["seconds"] for r in runs]),
                "events_per_s": med([r["layers"][layer]["events_per_s"] for r in runs]),
                "batches": med([r["layers"][layer]["batches"] for r in runs]),
            }
            for layer in LAYERS
        },
        "pipeline_events_per_s": med([r["pipeline_events_per_s"] for r in runs]),
    }


def table(rows: list[dict]) -> str:
    head = (
        "| events | " + " | ".join(f"{layer} ev/s (s, batches)" for layer in LAYERS) + " | whole pipeline ev/s | runs |"
    )
    lines = [head, "|" + "---|" * (len(LAYERS) + 3)]
    for a in rows:
        cells = [
            f"{a['layers'][x]['events_per_s']} ({a['layers'][x]['seconds']} s, {a['layers'][x]['batches']:g})"
            for x in LAYERS
        ]
        lines.append(f"| {a['events']} | " + " | ".join(cells) + f" | {a['pipeline_events_per_s']} | {a['runs']} |")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", nargs="+", type=int, default=[20000, 200000])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--stream", default="iot-telemetry")
    p.add_argument("--windows", nargs="*", default=None, help="gold window ids to keep (default: all)")
    p.add_argument("--max-per-trigger", type=int, default=None, help="bronze batch size (default: the spec's)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", default=str(ROOT / "bench/streaming/capacity.json"))
    args = p.parse_args()
    os.environ.setdefault("TZ", "UTC")
    time.tzset()
    rows = []
    for events in args.events:
        runs = []
        for i in range(args.runs):
            out = Path(tempfile.mkdtemp(prefix="bench-capacity-"))
            try:
                load = os.getloadavg()[0]
                result = one_run(args, events, out)
                result["load_before"] = round(load, 2)
                runs.append(result)
                print(f"{events} events, run {i + 1}: {json.dumps(result)}", flush=True)
            finally:
                shutil.rmtree(out, ignore_errors=True)
        rows.append(aggregate(runs) | {"load_before": [r["load_before"] for r in runs], "raw": runs})
    Path(args.json).write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
