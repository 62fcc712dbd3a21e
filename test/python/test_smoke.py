"""tools/smoke against recorded responses: no network, fake values built at runtime (no secret-looking literals)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.smoke import azure, run  # noqa: E402
from tools.smoke.transport import ReplayTransport  # noqa: E402

RECORDINGS = Path(__file__).parent / "recordings"
SPEC = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())
NAMESPACE = "evhns-smoke-test.servicebus.windows.net"
FAKE_KEY = "-".join(["not", "a", "real", "key"])  # not base64: nothing here looks like a secret


def connection_string(rule: str) -> str:
    return ";".join([f"Endpoint=sb://{NAMESPACE}/", f"SharedAccessKeyName={rule}", "SharedAccessKey=" + FAKE_KEY])


VALUES = {
    "vault": "https://kv-smoke-test.vault.azure.net",
    "namespace": NAMESPACE,
    "host": "adb-0000000000000000.0.azuredatabricks.net",
    "send_connection_string": connection_string("smoke-send"),
    "listen_connection_string": connection_string("iot-telemetry-bronze-listen"),
}
TARGET = run.Target(
    key_vault_uri=VALUES["vault"],
    warehouse_host=VALUES["host"],
    warehouse_id=run.warehouse_id("/sql/1.0/warehouses/wh0000"),
    event_hub="evh-iot-telemetry",
    tables=run.table_refs(SPEC, "smoke_cat", None),
)
NOW = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)


def tokens(resource: str) -> str:
    return f"fake-token-for-{resource}"


def replay(*exchanges: dict) -> ReplayTransport:
    return ReplayTransport(list(exchanges), VALUES)


def recorded(name: str, method: str, url: str) -> dict:
    return dict(json.loads((RECORDINGS / "smoke-errors.json").read_text())[name], method=method, url=url)


def smoke(transport, **kwargs):
    return run.smoke(
        transport,
        tokens,
        TARGET,
        SPEC,
        "iot-telemetry",
        2,
        run_id="r1",
        now=NOW,
        say=lambda _: None,
        sleep=lambda _: None,
        **kwargs,
    )


KV_SEND_URL = "{vault}/secrets/evh-iot-telemetry-send"
KV_LISTEN_URL = "{vault}/secrets/evh-iot-telemetry-listen"
STATEMENTS = "https://{host}/api/2.0/sql/statements"


def test_sas_token_is_exact_for_a_fixed_expiry_and_key():
    sas = azure.sas_token(f"https://{NAMESPACE}/evh-iot-telemetry", "smoke-send", FAKE_KEY, 1_700_000_000)
    assert sas == (
        "SharedAccessSignature sr=https%3A%2F%2Fevhns-smoke-test.servicebus.windows.net%2Fevh-iot-telemetry"
        "&sig=sFJYhk%2FqiNEdGq0cny3KuOiCSl0uNLZJLp4C%2FAOE5Y8%3D&se=1700000000&skn=smoke-send"
    )


def test_connection_string_parse():
    parsed = azure.ConnectionString.parse(connection_string("smoke-send") + ";EntityPath=evh-iot-telemetry")
    assert parsed == azure.ConnectionString(NAMESPACE, "smoke-send", FAKE_KEY, "evh-iot-telemetry")
    with pytest.raises(azure.SmokeError, match="^the Event Hubs connection string lacks SharedAccessKey$"):
        azure.ConnectionString.parse(f"Endpoint=sb://{NAMESPACE}/;SharedAccessKeyName=x")


def test_table_refs_follow_the_conventions():
    assert TARGET.tables == {
        "bronze": ["smoke_cat.bronze.iot_telemetry"],
        "silver": ["smoke_cat.silver.iot_telemetry"],
        "gold": [
            "smoke_cat.gold.iot_telemetry_tumbling_1m",
            "smoke_cat.gold.iot_telemetry_sliding_5m_1m",
            "smoke_cat.gold.iot_telemetry_session_10m",
        ],
    }
    lake = run.table_refs(SPEC, None, "abfss://{schema}@lake.dfs.core.windows.net/")
    assert lake["bronze"] == ["delta.`abfss://bronze@lake.dfs.core.windows.net/iot_telemetry`"]
    with pytest.raises(azure.SmokeError, match="exactly one of --catalog or --lake-root"):
        run.table_refs(SPEC, None, None)


def test_happy_path_against_recordings():
    transport = ReplayTransport.load(RECORDINGS / "smoke-happy.json", VALUES)
    report = smoke(transport)

    assert transport.exchanges == []
    kv, send, *sql = transport.requests
    assert kv.headers["Authorization"] == "Bearer fake-token-for-https://vault.azure.net"
    assert send.url == f"https://{NAMESPACE}/evh-iot-telemetry/messages?timeout=60&api-version=2014-01"
    assert send.headers["Authorization"].startswith("SharedAccessSignature sr=https%3A%2F%2Fevhns-smoke-test")
    assert send.headers["Authorization"].endswith("&skn=smoke-send")
    batch = json.loads(send.body)
    assert [json.loads(m["Body"]) for m in batch] == [
        {
            "event_id": "smoke-r1-0",
            "device_id": "smoke-r1",
            "timestamp": "2024-01-01T10:00:00Z",
            "temperature": -7.5,
            "location": "smoke-location",
        },
        {
            "event_id": "smoke-r1-1",
            "device_id": "smoke-r1",
            "timestamp": "2024-01-01T10:00:00Z",
            "temperature": 97.5,
            "location": "smoke-location",
        },
    ]
    first = json.loads(sql[0].body)
    assert first == {
        "statement": "SELECT count(*) FROM smoke_cat.bronze.iot_telemetry WHERE body LIKE '%smoke-r1-%'",
        "warehouse_id": "wh0000",
        "wait_timeout": "30s",
        "on_wait_timeout": "CONTINUE",
    }
    assert sql[0].headers["Authorization"] == f"Bearer fake-token-for-{azure.DATABRICKS_RESOURCE}"
    assert json.loads(sql[3].body)["statement"] == (
        "SELECT count(*) FROM smoke_cat.gold.iot_telemetry_tumbling_1m"
        " WHERE dimension = 'device_id' AND dimension_value = 'smoke-r1'"
    )
    assert sql[2].url == "https://adb-0000000000000000.0.azuredatabricks.net/api/2.0/sql/statements/st-2"
    assert report.counts == {
        "smoke_cat.bronze.iot_telemetry": 2,
        "smoke_cat.silver.iot_telemetry": 2,  # PENDING first, then polled
        "smoke_cat.gold.iot_telemetry_tumbling_1m": 1,
        "smoke_cat.gold.iot_telemetry_sliding_5m_1m": 2,
        "smoke_cat.gold.iot_telemetry_session_10m": 0,  # gold windows close when the watermark passes them
    }
    assert report.complete()


def test_key_vault_forbidden_names_the_role():
    transport = replay(recorded("key_vault_forbidden", "GET", KV_SEND_URL))
    with pytest.raises(azure.SmokeError) as error:
        smoke(transport)
    assert str(error.value) == (
        "Key Vault https://kv-smoke-test.vault.azure.net denied reading secret evh-iot-telemetry-send (403): "
        "your identity needs the 'Key Vault Secrets User' role on the vault (and network access to it)"
    )


def test_only_the_listen_secret_exists():
    transport = replay(
        recorded("secret_not_found", "GET", KV_SEND_URL), recorded("listen_secret", "GET", KV_LISTEN_URL)
    )
    with pytest.raises(azure.SmokeError) as error:
        smoke(transport)
    assert str(error.value) == (
        "secret evh-iot-telemetry-send (stream iot-telemetry) not found in https://kv-smoke-test.vault.azure.net; "
        "only evh-iot-telemetry-listen exists, and that rule is listen-only by design: add a send rule's "
        "connection string as that secret, or pass --connection-string-env"
    )


def test_no_secret_at_all():
    transport = replay(
        recorded("secret_not_found", "GET", KV_SEND_URL), recorded("secret_not_found", "GET", KV_LISTEN_URL)
    )
    with pytest.raises(azure.SmokeError) as error:
        smoke(transport)
    assert str(error.value) == (
        "secret evh-iot-telemetry-send (stream iot-telemetry) not found in https://kv-smoke-test.vault.azure.net, "
        "nor evh-iot-telemetry-listen: is the stream deployed to this environment?"
    )


def test_eventhubs_401_means_the_rule_cannot_send():
    transport = replay(recorded("eventhubs_unauthorized", "POST", "https://{namespace}/evh-iot-telemetry/messages"))
    with pytest.raises(azure.SmokeError) as error:
        smoke(transport, connection_string=VALUES["listen_connection_string"])
    assert str(error.value) == (
        "Event Hubs refused the send to evh-iot-telemetry with rule iot-telemetry-bronze-listen (401): the rule lacks "
        "the Send right (the pipeline's rule is listen-only by design); pass a send rule's connection string"
    )


def _sent():
    return recorded("eventhubs_unauthorized", "POST", "https://{namespace}/evh-iot-telemetry/messages") | {
        "status": 201,
        "body": "",
    }


def test_databricks_403_names_the_warehouse_permission():
    transport = replay(_sent(), recorded("databricks_forbidden", "POST", STATEMENTS))
    with pytest.raises(azure.SmokeError) as error:
        smoke(transport, connection_string=VALUES["send_connection_string"])
    assert str(error.value) == (
        "Databricks denied the SQL statement on warehouse wh0000 (403): "
        "your identity needs workspace access and CAN USE on the SQL warehouse"
    )


def test_table_not_found_names_the_table():
    ok = {"method": "POST", "url": STATEMENTS, "status": 200}
    bronze = ok | {"body": {"statement_id": "s", "status": {"state": "SUCCEEDED"}, "result": {"data_array": [["0"]]}}}
    transport = replay(_sent(), bronze, recorded("table_not_found", "POST", STATEMENTS))
    with pytest.raises(azure.SmokeError) as error:
        smoke(transport, connection_string=VALUES["send_connection_string"])
    assert str(error.value) == "table smoke_cat.silver.iot_telemetry not found (has its job run since the deployment?)"


def test_outputs_and_tokens_are_pluggable(tmp_path):
    for stack in ("dev-platform", "dev-workspace"):
        (tmp_path / "cdktf.out" / "stacks" / stack).mkdir(parents=True)
    answers = {
        "dev-platform": {"key_vault_uri": {"value": VALUES["vault"] + "/"}},
        "dev-workspace": {"warehouse_http_path": {"value": "/sql/1.0/warehouses/wh0000"}},
    }
    outputs = run.stack_outputs("dev", run=lambda argv, cwd: json.dumps(answers[cwd.name]), root=tmp_path)
    assert outputs == {"key_vault_uri": VALUES["vault"] + "/", "warehouse_http_path": "/sql/1.0/warehouses/wh0000"}
    with pytest.raises(azure.SmokeError, match="staging-platform not found"):
        run.stack_outputs("staging", run=lambda argv, cwd: "{}", root=tmp_path)

    from_env = run.env_or_cli_tokens(run=None, environ={"AZURE_ACCESS_TOKEN": "fake-env-token"})
    assert from_env(azure.KEY_VAULT_RESOURCE) == "fake-env-token"
    calls = []

    def az(argv, cwd):
        calls.append(argv)
        return json.dumps({"accessToken": "fake-cli-token"})

    assert run.env_or_cli_tokens(run=az, environ={})(azure.DATABRICKS_RESOURCE) == "fake-cli-token"
    assert calls == [["az", "account", "get-access-token", "--resource", azure.DATABRICKS_RESOURCE, "--output", "json"]]
