"""python -m tools.smoke --environment dev --stream iot-telemetry --events 20  (see docs/smoke-test.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .azure import SmokeError
from .run import ROOT, Target, env_or_cli_tokens, smoke, stack_outputs, table_refs, warehouse_id
from .transport import UrllibTransport


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.smoke", description=__doc__)
    p.add_argument(
        "--environment", required=True, help="dev, staging, prod: reads cdktf.out/stacks/<env>-platform|-workspace"
    )
    p.add_argument("--stream", required=True, help="the stream's name (spec `name`)")
    p.add_argument("--events", type=int, default=20)
    p.add_argument("--spec", help="the stream spec JSON (default schema/examples/valid/<stream>.json)")
    p.add_argument("--event-hub", help="default: the spec's source.eventHubName")
    p.add_argument(
        "--send-secret", help="Key Vault secret with a send rule's connection string (default <event hub>-send)"
    )
    p.add_argument(
        "--connection-string-env", help="name of an env var holding a send connection string (skips Key Vault)"
    )
    p.add_argument("--catalog", help="Unity Catalog catalog of the tables (default: the spec's target.catalog)")
    p.add_argument("--lake-root", help="abfss:// root when the tables live by path (may contain {schema})")
    p.add_argument("--key-vault-uri", help="default: platform output key_vault_uri")
    p.add_argument("--warehouse-host", help="default: workspace output warehouse_server_hostname")
    p.add_argument("--warehouse-http-path", help="default: workspace output warehouse_http_path")
    p.add_argument("--no-outputs", action="store_true", help="do not run terraform output; take everything from flags")
    p.add_argument("--wait", type=float, default=300, help="seconds to wait for bronze and silver")
    p.add_argument("--run-id", help="tag of this run's events (default random)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        spec_path = Path(args.spec) if args.spec else ROOT / "schema" / "examples" / "valid" / f"{args.stream}.json"
        if not spec_path.is_file():
            raise SmokeError(f"stream spec {spec_path} not found: pass --spec")
        spec = json.loads(spec_path.read_text())
        outputs = {} if args.no_outputs else stack_outputs(args.environment)
        vault = args.key_vault_uri or outputs.get("key_vault_uri")
        host = args.warehouse_host or outputs.get("warehouse_server_hostname")
        http_path = args.warehouse_http_path or outputs.get("warehouse_http_path")
        connection_string = os.environ.get(args.connection_string_env, "") if args.connection_string_env else None
        if args.connection_string_env and not connection_string:
            raise SmokeError(f"environment variable {args.connection_string_env} is empty")
        missing = [
            n
            for n, v in (
                ("key_vault_uri", vault or connection_string),
                ("warehouse_server_hostname", host),
                ("warehouse_http_path", http_path),
            )
            if not v
        ]
        if missing:
            raise SmokeError(f"missing {', '.join(missing)}: deploy the {args.environment} stacks or pass the flags")
        target = Target(
            key_vault_uri=vault or "",
            warehouse_host=host,
            warehouse_id=warehouse_id(http_path),
            event_hub=args.event_hub or spec["source"]["eventHubName"],
            tables=table_refs(spec, args.catalog, args.lake_root),
        )
        report = smoke(
            UrllibTransport(),
            env_or_cli_tokens(),
            target,
            spec,
            args.stream,
            args.events,
            send_secret=args.send_secret,
            connection_string=connection_string,
            run_id=args.run_id,
            wait_seconds=args.wait,
        )
    except SmokeError as error:
        print(f"smoke: {error}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0 if report.complete() else 1


if __name__ == "__main__":
    sys.exit(main())
