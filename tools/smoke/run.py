"""Stack outputs, tokens, sample events, table names and the smoke run itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .azure import (
    DATABRICKS_RESOURCE,
    KEY_VAULT_RESOURCE,
    ConnectionString,
    KeyVault,
    SmokeError,
    Warehouse,
    send_connection_string,
    send_events,
)
from .transport import Transport

ROOT = Path(__file__).resolve().parents[2]
TokenSource = Callable[[str], str]  # resource (audience) -> bearer token
Runner = Callable[[list[str], Path], str]  # argv, cwd -> stdout


def _run(argv: list[str], cwd: Path) -> str:
    exe = shutil.which(argv[0])
    if not exe:
        raise SmokeError(f"{argv[0]} not found on PATH")
    done = subprocess.run([exe, *argv[1:]], cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SmokeError(f"{' '.join(argv)} failed in {cwd}: {done.stderr.strip()[:300]}")
    return done.stdout


def stack_outputs(environment: str, run: Runner = _run, root: Path = ROOT) -> dict[str, str]:
    """`terraform output -json` of `cdktf.out/stacks/<env>-platform` and `-workspace`, merged, values only."""
    merged: dict[str, str] = {}
    for stack in ("platform", "workspace"):
        directory = root / "cdktf.out" / "stacks" / f"{environment}-{stack}"
        if not directory.is_dir():
            raise SmokeError(
                f"{directory} not found: run `cdktf synth` and deploy {environment}, or pass the outputs as flags"
            )
        outputs = json.loads(run(["terraform", "output", "-json"], directory) or "{}")
        merged.update({k: v["value"] for k, v in outputs.items() if isinstance(v, dict) and "value" in v})
    return merged


def env_or_cli_tokens(run: Runner = _run, environ: dict[str, str] | None = None) -> TokenSource:
    """AZURE_ACCESS_TOKEN (per audience: AZURE_KEYVAULT_TOKEN, DATABRICKS_TOKEN), else `az account get-access-token`."""
    env = os.environ if environ is None else environ
    specific = {KEY_VAULT_RESOURCE: "AZURE_KEYVAULT_TOKEN", DATABRICKS_RESOURCE: "DATABRICKS_TOKEN"}

    def token(resource: str) -> str:
        value = env.get(specific.get(resource, "")) or env.get("AZURE_ACCESS_TOKEN")
        if value:
            return value
        out = run(["az", "account", "get-access-token", "--resource", resource, "--output", "json"], Path.cwd())
        return json.loads(out)["accessToken"]

    return token


@dataclass(frozen=True)
class Target:
    """Where the smoke test goes: from the stack outputs, each overridable by a flag."""

    key_vault_uri: str
    warehouse_host: str
    warehouse_id: str
    event_hub: str
    tables: dict[str, list[str]]  # layer -> table references


def warehouse_id(http_path: str) -> str:
    match = re.search(r"/warehouses/([^/?]+)", http_path or "")
    if not match:
        raise SmokeError(f"warehouse_http_path {http_path!r} is not /sql/1.0/warehouses/<id>")
    return match.group(1)


def table_refs(spec: dict[str, Any], catalog: str | None, lake_root: str | None) -> dict[str, list[str]]:
    """The TypeScript `tableReference` / tables.py conventions: bronze, silver, one gold table per window."""
    target = spec["target"]
    catalog = catalog or target.get("catalog")
    if bool(catalog) == bool(lake_root):
        raise SmokeError("pass exactly one of --catalog or --lake-root (the spec's target.catalog is null)")

    def ref(layer: str, suffix: str = "") -> str:
        schema, table = target["schemas"][layer], target["table"] + suffix
        if catalog:
            return f"{catalog}.{schema}.{table}"
        root = lake_root.rstrip("/")
        path = f"{root.replace('{schema}', schema)}/{table}" if "{schema}" in root else f"{root}/{schema}/{table}"
        return f"delta.`{path}`"

    return {
        "bronze": [ref("bronze")],
        "silver": [ref("silver")],
        "gold": [ref("gold", f"_{w['id']}") for w in spec.get("windows", [])],
    }


def _sample_value(field: dict[str, Any], i: int, now: datetime) -> Any:
    kind = field["type"]
    if field.get("allowed"):
        return field["allowed"][0]
    if kind == "timestamp":
        return now.isoformat().replace("+00:00", "Z")
    if kind in ("double", "float", "int", "long", "integer"):
        low, high = field.get("min", 0), field.get("max", 100)
        value = low + (high - low) * (0.25 + 0.5 * (i % 2))  # inside [min, max], never an anomaly threshold edge
        return int(value) if kind in ("int", "long", "integer") else round(value, 2)
    if kind == "boolean":
        return False
    return f"smoke-{field['name']}"


def sample_events(spec: dict[str, Any], run_id: str, count: int, now: datetime) -> list[dict[str, Any]]:
    """Valid events for the spec's schema, tagged with the run id (event id `smoke-<run>-<i>`, device `smoke-<run>`)."""
    events = []
    for i in range(count):
        body = {f["name"]: _sample_value(f, i, now) for f in spec["schema"]["fields"] if f.get("required", True)}
        body[spec["eventIdField"]] = f"smoke-{run_id}-{i}"
        if spec.get("entityField"):
            body[spec["entityField"]] = f"smoke-{run_id}"
        events.append(body)
    return events


def count_statements(spec: dict[str, Any], tables: dict[str, list[str]], run_id: str) -> list[tuple[str, str, str]]:
    """(layer, table, SQL) counting this run's rows in each table."""
    # run_id is checked to be [A-Za-z0-9_-]; table names come from the spec: no user text reaches the SQL.
    bronze, silver, event_id = tables["bronze"][0], tables["silver"][0], spec["eventIdField"]
    out = [
        ("bronze", bronze, f"SELECT count(*) FROM {bronze} WHERE body LIKE '%smoke-{run_id}-%'"),  # noqa: S608
        ("silver", silver, f"SELECT count(*) FROM {silver} WHERE `{event_id}` LIKE 'smoke-{run_id}-%'"),  # noqa: S608
    ]
    device = spec.get("entityField")
    for table in tables["gold"] if device else []:
        where = f"dimension = '{device}' AND dimension_value = 'smoke-{run_id}'"
        out.append(("gold", table, f"SELECT count(*) FROM {table} WHERE {where}"))  # noqa: S608
    return out


@dataclass
class Report:
    run_id: str
    sent: int
    counts: dict[str, int]  # table -> rows of this run

    layers: dict[str, str] | None = None  # table -> layer

    def complete(self) -> bool:
        """Bronze and silver have every event (gold windows close only when the watermark passes them)."""
        layers = self.layers or {}
        return all(n >= self.sent for t, n in self.counts.items() if layers.get(t) in ("bronze", "silver"))

    def lines(self) -> list[str]:
        return [f"sent {self.sent} events (run {self.run_id})"] + [f"  {t}: {n} rows" for t, n in self.counts.items()]


def smoke(
    transport: Transport,
    tokens: TokenSource,
    target: Target,
    spec: dict[str, Any],
    stream: str,
    events: int,
    send_secret: str | None = None,
    connection_string: str | None = None,
    run_id: str | None = None,
    wait_seconds: float = 300,
    poll_seconds: float = 15,
    sleep=time.sleep,
    clock=time.monotonic,
    now: datetime | None = None,
    say: Callable[[str], None] = print,
) -> Report:
    """Send `events` sample events, then poll each layer until bronze and silver have them all (or time runs out)."""
    run_id = run_id or uuid.uuid4().hex[:12]
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", run_id):
        raise SmokeError(f"run id {run_id!r}: letters, digits, - and _ only")
    if connection_string:
        connection = ConnectionString.parse(connection_string)
    else:
        vault = KeyVault(transport, target.key_vault_uri, tokens(KEY_VAULT_RESOURCE))
        connection = send_connection_string(vault, stream, target.event_hub, send_secret)
    bodies = sample_events(spec, run_id, events, now or datetime.now(UTC))
    send_events(transport, connection, target.event_hub, bodies)
    say(f"sent {events} events to {target.event_hub} (run {run_id}); polling the tables")

    warehouse = Warehouse(
        transport, target.warehouse_host, target.warehouse_id, tokens(DATABRICKS_RESOURCE), sleep=sleep
    )
    statements = count_statements(spec, target.tables, run_id)
    deadline = clock() + wait_seconds
    while True:
        counts = {table: warehouse.scalar(sql, table) for _, table, sql in statements}
        arrived = all(counts[t] >= events for layer, t, _ in statements if layer in ("bronze", "silver"))
        if arrived or clock() >= deadline:
            return Report(run_id, events, counts, {t: layer for layer, t, _ in statements})
        sleep(poll_seconds)
