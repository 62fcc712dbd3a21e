"""Streaming benchmark: `python -m local.run` at a range of rates and triggers, several runs each, medians.

    .venv/bin/python bench/streaming/run.py --rates 100 400 --triggers "5 seconds" --runs 3 --duration 20

Per configuration: sustained throughput (events produced / time from the first event until the layer held
all of them: bronze, silver, and gold = every downstream query caught up), the largest Kafka lag seen
(events produced but not yet in bronze), how fast that lag grew over the second half of producing (about 0
while bronze keeps up: the knee is the first rate where it is clearly positive), the drain time after the
last event (lag that grew during the run shows as a drain much longer than one trigger), and
produce -> readable latency in silver and gold (p50, p95, p99 of every event of the run). Each figure is
the median over the runs. Writes a JSON file and prints a Markdown table for bench/streaming/RESULTS.md.
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


def one_run(rate: float, trigger: str, args: argparse.Namespace, out: Path) -> dict:
    cmd = [sys.executable, "-m", "local.run", "--rate", str(rate), "--duration", str(args.duration)]
    cmd += ["--trigger", trigger, "--out", str(out), "--progress", "5", "--streams", *args.streams]
    if args.windows:
        cmd += ["--windows", *args.windows]
    if args.max_per_trigger:
        cmd += ["--max-per-trigger", str(args.max_per_trigger)]
    started = time.time()
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        return {"error": (done.stdout + done.stderr)[-2000:]}
    summary = json.loads((out / "summary.json").read_text())
    summary["wall_s"] = round(time.time() - started, 1)
    return summary


def median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def aggregate(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    tot = [r["totals"] for r in ok]
    return {
        "runs": len(runs),
        "failed": len(runs) - len(ok),
        "events": median([t["produced"] for t in tot]),
        "bronze_eps": median([t["throughput_by_layer"]["bronze"] for t in tot]),
        "silver_eps": median([t["throughput_by_layer"]["silver"] for t in tot]),
        "gold_eps": median([t["throughput_by_layer"]["gold"] for t in tot]),
        "max_lag": median([t["max_lag_events"] for t in tot]),
        "lag_growth": median([t["lag_growth_events_per_s"] for t in tot]),
        "silver_lag_growth": median([t["silver_lag_growth_events_per_s"] for t in tot]),
        "drain_s": median([t["drain_seconds"] for t in tot]),
        **{
            f"{layer}_{q}": median([t["latency_ms"][layer][q] for t in tot])
            for layer in ("silver", "gold")
            for q in ("p50", "p95", "p99")
        },
        "wall_s": median([r["wall_s"] for r in ok]),
    }


def table(rows: list[dict]) -> str:
    head = (
        "| trigger | rate (ev/s) | events | bronze ev/s | silver ev/s | gold ev/s | max lag "
        "| lag growth ev/s bronze/silver | drain s | silver p50/p95/p99 ms | gold p50/p95/p99 ms | runs |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        a = r["result"]
        lines.append(
            f"| {r['trigger']} | {r['rate']} | {a['events']} | {a['bronze_eps']} | {a['silver_eps']} | {a['gold_eps']} "
            f"| {a['max_lag']} | {a['lag_growth']}/{a['silver_lag_growth']} | {a['drain_s']} "
            f"| {a['silver_p50']}/{a['silver_p95']}/{a['silver_p99']} "
            f"| {a['gold_p50']}/{a['gold_p95']}/{a['gold_p99']} | {a['runs'] - a['failed']}/{a['runs']} |"
        )
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rates", nargs="+", type=float, default=[100, 400])
    p.add_argument("--triggers", nargs="+", default=["5 seconds"])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--streams", nargs="+", default=["iot-telemetry"])
    p.add_argument("--windows", nargs="*", default=["tumbling_1m"])
    p.add_argument("--max-per-trigger", type=int, default=None)
    p.add_argument("--json", default=str(ROOT / "bench/streaming/results.json"))
    args = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-streaming-") as tmp:
        for trigger in args.triggers:
            for rate in args.rates:
                runs = []
                for i in range(args.runs):
                    load = os.getloadavg()[0]
                    summary = one_run(rate, trigger, args, Path(tmp) / f"{trigger}-{rate}-{i}".replace(" ", ""))
                    summary["load_before"] = round(load, 2)
                    runs.append(summary)
                    print(
                        f"trigger {trigger} rate {rate} run {i + 1}: "
                        f"{json.dumps(summary.get('totals', summary.get('error')))[:600]}",
                        flush=True,
                    )
                rows.append(
                    {
                        "trigger": trigger,
                        "rate": rate,
                        "result": aggregate(runs),
                        "load_before": [r["load_before"] for r in runs],
                    }
                )
    Path(args.json).write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
