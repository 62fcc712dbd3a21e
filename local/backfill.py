"""Backfill a local run's tables from a folder of Event Hubs Capture files (medallion.backfill).

    .venv/bin/python -m local.backfill --stream iot-telemetry --capture DIR --namespace NS \\
        --from 2026-12-04T17:00:00Z --to 2026-12-04T18:00:00Z

DIR holds Capture's layout (<namespace>/<event hub>/<partition>/<yyyy>/<MM>/<dd>/<HH>/<mm>/<ss>.avro, as copied
from the lake's capture container); the tables are the local run's (<out>/lake), with the spec it runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import uuid
from pathlib import Path

# local.run puts the notebooks folder (the medallion package) on the path, as the local run does.
from .run import DEFAULT_STREAMS, jobs, local_spec_json


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stream", required=True, choices=DEFAULT_STREAMS)
    p.add_argument("--capture", required=True, type=Path, help="folder in Capture's layout")
    p.add_argument("--namespace", required=True, help="the Event Hubs namespace the files' names start with")
    p.add_argument("--from", dest="from_time", required=True, help="ISO 8601, UTC (a file's name time, inclusive)")
    p.add_argument("--to", dest="to_time", required=True, help="ISO 8601, UTC (exclusive)")
    p.add_argument("--run-id", default=None, help="the same id finishes a failed run (default: a new one)")
    p.add_argument("--windows", nargs="+", default=None, help="the gold windows the local run kept (default: all)")
    p.add_argument("--out", default=".local-run", type=Path, help="the local run's folder (default .local-run)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from medallion.session import local_session

    spark = local_session(str(args.out / "warehouse"), app_name="medallion-local-backfill")
    try:
        report = jobs.run_backfill(
            spark,
            spec=local_spec_json(args.stream, windows=args.windows),
            capture_url=args.capture.resolve().as_uri(),
            eventhubs_namespace=args.namespace,
            from_time=args.from_time,
            to_time=args.to_time,
            run_id=args.run_id or uuid.uuid4().hex[:12],
            lake_root=str((args.out / "lake").resolve()),
        )
    finally:
        spark.stop()
    print(json.dumps(dataclasses.asdict(report), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
