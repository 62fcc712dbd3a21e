"""The REST calls of the smoke test, each failure mapped to a message that names the missing role or resource."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .transport import Request, Response, Transport

KEY_VAULT_RESOURCE = "https://vault.azure.net"
# The Azure Databricks first-party application: the audience of Entra ID tokens for Databricks REST APIs.
DATABRICKS_RESOURCE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"


class SmokeError(Exception):
    """A failure the operator can act on; the message says what is missing."""


# --- Event Hubs: connection string and SAS token -------------------------------------------------------


@dataclass(frozen=True)
class ConnectionString:
    namespace_host: str  # <ns>.servicebus.windows.net
    key_name: str
    key: str
    entity_path: str | None = None

    @classmethod
    def parse(cls, text: str) -> ConnectionString:
        parts = dict(p.split("=", 1) for p in text.strip().split(";") if "=" in p)
        missing = [k for k in ("Endpoint", "SharedAccessKeyName", "SharedAccessKey") if not parts.get(k)]
        if missing:
            raise SmokeError(f"the Event Hubs connection string lacks {', '.join(missing)}")
        host = urllib.parse.urlparse(parts["Endpoint"]).netloc or parts["Endpoint"]
        return cls(host.rstrip("/"), parts["SharedAccessKeyName"], parts["SharedAccessKey"], parts.get("EntityPath"))


def sas_token(resource_uri: str, key_name: str, key: str, expiry: int) -> str:
    """`SharedAccessSignature sr=..&sig=..&se=..&skn=..`: HMAC-SHA256 (key as UTF-8) of "<encoded uri>\\n<expiry>"."""
    encoded = urllib.parse.quote(resource_uri, safe="")
    signed = hmac.new(key.encode(), f"{encoded}\n{expiry}".encode(), hashlib.sha256).digest()
    signature = urllib.parse.quote(base64.b64encode(signed).decode(), safe="")
    return f"SharedAccessSignature sr={encoded}&sig={signature}&se={expiry}&skn={key_name}"


def _detail(response: Response) -> str:
    text = response.body.decode(errors="replace").strip()
    return f" ({text[:300]})" if text else ""


def send_events(
    transport: Transport, connection: ConnectionString, event_hub: str, bodies: Sequence[dict[str, Any]], now=time.time
) -> None:
    """One batch through the Event Hubs REST API (HTTPS); 201 Created is success."""
    hub = connection.entity_path or event_hub
    uri = f"https://{connection.namespace_host}/{hub}"
    token = sas_token(uri, connection.key_name, connection.key, int(now()) + 600)
    batch = [{"Body": json.dumps(b)} for b in bodies]
    response = transport.send(
        Request(
            "POST",
            f"{uri}/messages?timeout=60&api-version=2014-01",
            {"Authorization": token, "Content-Type": "application/vnd.microsoft.servicebus.json"},
            json.dumps(batch).encode(),
        )
    )
    if response.status in (200, 201):
        return
    if response.status == 401:
        raise SmokeError(
            f"Event Hubs refused the send to {hub} with rule {connection.key_name} (401): the rule lacks the Send "
            "right (the pipeline's rule is listen-only by design); pass a send rule's connection string"
        )
    if response.status == 404:
        raise SmokeError(f"event hub {hub} not found in namespace {connection.namespace_host} (404)")
    raise SmokeError(f"Event Hubs send to {hub} failed with HTTP {response.status}{_detail(response)}")


# --- Key Vault -------------------------------------------------------------------------------------------


class KeyVault:
    def __init__(self, transport: Transport, vault_uri: str, token: str):
        self.transport = transport
        self.vault_uri = vault_uri.rstrip("/")
        self.token = token

    def secret(self, name: str) -> str | None:
        """The secret's value, None when it does not exist; a clear error for a missing role."""
        response = self.transport.send(
            Request(
                "GET", f"{self.vault_uri}/secrets/{name}?api-version=7.4", {"Authorization": f"Bearer {self.token}"}
            )
        )
        if response.status == 200:
            return response.json()["value"]
        if response.status == 404:
            return None
        if response.status in (401, 403):
            raise SmokeError(
                f"Key Vault {self.vault_uri} denied reading secret {name} ({response.status}): your identity needs the "
                "'Key Vault Secrets User' role on the vault (and network access to it)"
            )
        raise SmokeError(
            f"Key Vault {self.vault_uri} answered HTTP {response.status} for secret {name}{_detail(response)}"
        )


def send_connection_string(vault: KeyVault, stream: str, event_hub: str, send_secret: str | None) -> ConnectionString:
    """The send rule's connection string from `send_secret` (default `<event hub>-send`)."""
    name = send_secret or f"{event_hub}-send"
    value = vault.secret(name)
    if value is not None:
        return ConnectionString.parse(value)
    listen = f"{event_hub}-listen"
    if vault.secret(listen) is not None:
        raise SmokeError(
            f"secret {name} (stream {stream}) not found in {vault.vault_uri}; only {listen} exists, and that rule is "
            "listen-only by design: add a send rule's connection string as that secret, or pass --connection-string-env"
        )
    raise SmokeError(
        f"secret {name} (stream {stream}) not found in {vault.vault_uri}, nor {listen}: is the stream deployed "
        "to this environment?"
    )


# --- Databricks SQL Statement Execution API --------------------------------------------------------------


class Warehouse:
    def __init__(
        self, transport: Transport, host: str, warehouse_id: str, token: str, sleep=time.sleep, polls: int = 30
    ):
        self.transport = transport
        self.base = host if host.startswith("https://") else f"https://{host}"
        self.warehouse_id = warehouse_id
        self.token = token
        self.sleep = sleep
        self.polls = polls

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        response = self.transport.send(Request(method, f"{self.base}{path}", headers, data))
        if response.status == 200:
            return response.json()
        if response.status in (401, 403):
            raise SmokeError(
                f"Databricks denied the SQL statement on warehouse {self.warehouse_id} ({response.status}): "
                "your identity needs workspace access and CAN USE on the SQL warehouse"
            )
        if response.status == 404:
            raise SmokeError(f"SQL warehouse {self.warehouse_id} not found on {self.base} (404)")
        raise SmokeError(f"Databricks SQL API answered HTTP {response.status}{_detail(response)}")

    def scalar(self, statement: str, table: str) -> int:
        result = self._call(
            "POST",
            "/api/2.0/sql/statements",
            {
                "statement": statement,
                "warehouse_id": self.warehouse_id,
                "wait_timeout": "30s",
                "on_wait_timeout": "CONTINUE",
            },
        )
        for _ in range(self.polls):
            state = result["status"]["state"]
            if state not in ("PENDING", "RUNNING"):
                break
            self.sleep(2)
            result = self._call("GET", f"/api/2.0/sql/statements/{result['statement_id']}")
        state = result["status"]["state"]
        if state == "SUCCEEDED":
            return int(result["result"]["data_array"][0][0])
        error = result["status"].get("error") or {}
        message = error.get("message", "")
        if "TABLE_OR_VIEW_NOT_FOUND" in message or "PATH_NOT_FOUND" in message:
            raise SmokeError(f"table {table} not found (has its job run since the deployment?)")
        if "PERMISSION_DENIED" in message or "INSUFFICIENT_PERMISSIONS" in message:
            raise SmokeError(f"no SELECT on {table}: grant it to your identity")
        raise SmokeError(f"statement on {table} ended {state}: {message or 'no message'}")
