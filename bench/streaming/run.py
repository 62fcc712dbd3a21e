"""Streaming benchmark: this project's pipeline beside the machine's limit and a plain multi-hop peer.

    .venv/bin/python bench/streaming/run.py --rates 1000 3000 10000 --backlog 100000 --runs 3 --duration 30 --warmup 15
    .venv/bin/python bench/streaming/run.py --default-run --runs 3

Each case is a rate offered for --warmup then --duration seconds (lag growth and latencies are over the
--duration part: a steady state, not the cold start), or a backlog produced before the queries start. In every
run of a case the three pipelines of local/baselines.py (limit, peer, project) run one after the other, in
an order that rotates from run to run, each as `python -m local.run --pipeline <name>` with its own broker
and lake and the same seed, so the same events. One stream (iot-telemetry, one tumbling window), 1-second
triggers. Reported per case and pipeline, as medians over the runs:
  - events/s end to end (events produced / first event produced -> every query drained; a backlog: from the
    queries' start), and into bronze and silver;
  - lag growth (each run): slope of the events produced but not yet read, sampled as each batch ends, over
    the second half of the measured part (about 0 while the pipeline keeps up; none with fewer than 3 batch
    ends there);
  - batch: the median duration of the Kafka-reading query's batches, its first (the cold start) left out;
  - drain: last event produced -> every query drained;
  - produce -> readable latency p50/p95/p99 in bronze, silver and gold, of the measured events; gold also
    minus its floor, the window plus the watermark in wall time (the producer runs the event clock faster
    than the wall clock).
The 1-minute load average before each run is recorded beside it. --default-run instead runs the default
three-stream local run (`python -m local.run`, all defaults) and reports whether it keeps up and its drain.
Writes a JSON file and prints Markdown tables for bench/streaming/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "notebooks"))

from local.baselines import PIPELINES  # noqa: E402
from local.run import local_spec_json  # noqa: E402
from medallion import durations  # noqa: E402
from medallion.spec import load_spec  # noqa: E402

STREAM, WINDOW = "iot-telemetry", "tumbling_1m"


def gold_floor_seconds() -> float:
    """Window + watermark of the benchmark's stream, in wall seconds (the producer's event clock runs
    watermark / 10 s times faster than the wall clock)."""
    spec = load_spec(local_spec_json(STREAM, windows=[WINDOW]))
    watermark = durations.to_seconds(spec.watermark)
    window = durations.to_seconds(spec.windows[0].duration)
    return (window + watermark) / (watermark / 10.0)


def one_run(args: argparse.Namespace, out: Path, extra: list[str]) -> dict:
    cmd = [sys.executable, "-m", "local.run", "--out", str(out), "--progress", "10", *extra]
    load = os.getloadavg()[0]
    started = time.time()
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        return {"error": (done.stdout + done.stderr)[-3000:], "load_before": round(load, 2)}
    summary = json.loads((out / "summary.json").read_text())
    summary |= {"wall_s": round(time.time() - started, 1), "load_before": round(load, 2)}
    summary["batch_s"] = batch_seconds(summary)
    return summary


def batch_seconds(summary: dict) -> float | None:
    """Median duration of the Kafka-reading query's batches with rows (every stream's), the first one left out:
    it holds the cold start. It tells why a lag-growth figure may be missing (fewer than 3 batch ends in the
    half it is fitted over)."""
    ms = [b["ms"] for s in summary["streams"].values() for b in s["source_batches"][1:]]
    return round(statistics.median(ms) / 1000.0, 1) if ms else None


def median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000.0


def aggregate(runs: list[dict], backlog: bool, floor: float) -> dict:
    ok = [r for r in runs if "error" not in r]
    tot = [r["totals"] for r in ok]
    lat = {
        f"{layer}_{q}": median([seconds(t["latency_ms"][layer][q]) for t in tot])
        for layer in ("bronze", "silver", "gold")
        for q in ("p50", "p95", "p99")
    }
    return {
        "runs": len(runs),
        "failed": len(runs) - len(ok),
        "events": median([t["produced"] for t in tot]),
        "events_per_s": median([t["backlog_events_per_s" if backlog else "throughput_events_per_s"] for t in tot]),
        "bronze_eps": median([t["throughput_by_layer"]["bronze"] for t in tot]),
        "silver_eps": median([t["throughput_by_layer"]["silver"] for t in tot]),
        "lag_growth": median([t["lag_growth_events_per_s"] for t in tot]),
        "lag_growth_each": [t["lag_growth_events_per_s"] for t in tot],
        "batch_s": median([r["batch_s"] for r in ok]),
        "silver_lag_growth": median([t["silver_lag_growth_events_per_s"] for t in tot]),
        "drain_s": median([t["drain_seconds"] for t in tot]),
        **lat,
        "gold_p50_minus_floor": None if lat["gold_p50"] is None else round(lat["gold_p50"] - floor, 1),
        "load_before": [r["load_before"] for r in runs],
        "errors": [r["error"] for r in runs if "error" in r],
    }


def compare(args: argparse.Namespace) -> list[dict]:
    floor = gold_floor_seconds()
    cases = [("rate", r) for r in args.rates] + [("backlog", n) for n in args.backlog]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-streaming-") as tmp:
        for kind, value in cases:
            common = ["--streams", STREAM, "--windows", WINDOW, "--max-per-trigger", str(args.max_per_trigger)]
            if kind == "rate":
                common += ["--rate", str(value), "--duration", str(args.duration), "--warmup", str(args.warmup)]
            else:  # the backlog's events, produced as fast as the producer goes
                rate = args.backlog_rate
                common += ["--backlog", "--rate", str(rate), "--duration", str(round(value / rate, 1))]
            runs: dict[str, list[dict]] = {p: [] for p in PIPELINES}
            for i in range(args.runs):
                order = PIPELINES[i % len(PIPELINES) :] + PIPELINES[: i % len(PIPELINES)]
                for pipeline in order:
                    result = one_run(
                        args, Path(tmp) / f"{kind}-{value}-{pipeline}-{i}", [*common, "--pipeline", pipeline]
                    )
                    runs[pipeline].append(result)
                    shown = result.get("totals", result.get("error"))
                    print(f"{kind} {value} {pipeline} run {i + 1}: {json.dumps(shown)[:400]}", flush=True)
            for pipeline in PIPELINES:
                rows.append(
                    {
                        "case": kind,
                        "value": value,
                        "pipeline": pipeline,
                        **aggregate(runs[pipeline], kind == "backlog", floor),
                    }
                )
    return rows


def default_runs(args: argparse.Namespace) -> list[dict]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-default-") as tmp:
        for i in range(args.runs):
            result = one_run(args, Path(tmp) / f"default-{i}", [])
            runs.append(result)
            print(f"default run {i + 1}: {json.dumps(result.get('totals', result.get('error')))[:400]}", flush=True)
    return [{"case": "default three-stream run", **aggregate(runs, False, gold_floor_seconds())}]


def table(rows: list[dict]) -> str:
    head = (
        "| case | pipeline | events | events/s | into bronze / silver ev/s | lag growth ev/s (each run) | batch s "
        "| drain s | bronze p50 s | silver p50/p95/p99 s | gold p50/p95/p99 s | gold p50 − floor s | load before |"
    )
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        case = f"{r['value']:g} ev/s" if r.get("case") == "rate" else f"backlog {r.get('value', '')}"
        if "pipeline" not in r:
            case = r["case"]
        lines.append(
            f"| {case} | {r.get('pipeline', 'project')} | {r['events']} | {r['events_per_s']} "
            f"| {r['bronze_eps']} / {r['silver_eps']} | {', '.join(str(x) for x in r['lag_growth_each'])} "
            f"| {r['batch_s']} | {r['drain_s']} "
            f"| {r['bronze_p50']} | {r['silver_p50']} / {r['silver_p95']} / {r['silver_p99']} "
            f"| {r['gold_p50']} / {r['gold_p95']} / {r['gold_p99']} | {r['gold_p50_minus_floor']} "
            f"| {', '.join(str(x) for x in r['load_before'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rates", nargs="*", type=float, default=[1000, 3000, 10000])
    p.add_argument("--backlog", nargs="*", type=int, default=[100000], help="backlog sizes (events)")
    p.add_argument("--backlog-rate", type=float, default=8000, help="events/s while producing a backlog")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--duration", type=float, default=30, help="measured seconds of producing per rate run")
    p.add_argument("--warmup", type=float, default=15, help="seconds produced before the measured part")
    p.add_argument("--max-per-trigger", type=int, default=200000)
    p.add_argument("--default-run", action="store_true", help="the default three-stream local run instead")
    p.add_argument("--json", default=None, help="results file (default bench/streaming/results-<kind>.json)")
    args = p.parse_args()
    rows = default_runs(args) if args.default_run else compare(args)
    kind = "default" if args.default_run else "compare"
    out = Path(args.json or ROOT / f"bench/streaming/results-{kind}.json")
    out.write_text(json.dumps({"args": vars(args), "gold_floor_s": gold_floor_seconds(), "rows": rows}, indent=2))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
