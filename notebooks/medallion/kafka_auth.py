"""How the Kafka source authenticates to the Event Hubs Kafka endpoint: each kind builds its own reader options.

- `ConnectionString`: SASL PLAIN with a shared access (SAS) connection string.
- `ServiceCredential`: a Unity Catalog service credential on the workspace's access connector, whose managed
  identity holds "Azure Event Hubs Data Receiver" on the event hub (the `databricks.serviceCredential` source
  option, Databricks Runtime 16.1 and above). No secret reaches the job.
- `OAuthClient`: SASL OAUTHBEARER as a Microsoft Entra application (client credentials), for workspaces
  without Unity Catalog; the client secret comes from the secret scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Event Hubs serves Kafka on this port of `<namespace>.servicebus.windows.net`.
KAFKA_PORT = 9093


def _login_module(shaded: bool, name: str) -> str:
    # Databricks ships Kafka shaded, so its classes have a different package there.
    return ("kafkashaded." if shaded else "") + name


def _quoted(value: str) -> str:
    """A JAAS option value: backslashes and double quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class ConnectionString:
    """A listen rule's connection string (SAS)."""

    value: str = field(repr=False)

    def options(self, namespace: str, shaded: bool) -> dict[str, str]:
        module = _login_module(shaded, "org.apache.kafka.common.security.plain.PlainLoginModule")
        return {
            "kafka.security.protocol": "SASL_SSL",
            "kafka.sasl.mechanism": "PLAIN",
            "kafka.sasl.jaas.config": f'{module} required username="$ConnectionString" password={_quoted(self.value)};',
        }


@dataclass(frozen=True)
class ServiceCredential:
    """A Unity Catalog service credential, by name; Databricks configures SASL itself."""

    name: str

    def options(self, namespace: str, shaded: bool) -> dict[str, str]:
        return {"databricks.serviceCredential": self.name}


@dataclass(frozen=True)
class OAuthClient:
    """An Entra application's client credentials; the token is requested for the namespace's scope."""

    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)

    def options(self, namespace: str, shaded: bool) -> dict[str, str]:
        module = _login_module(shaded, "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule")
        scope = f"https://{namespace}.servicebus.windows.net/.default"
        jaas = (
            f"{module} required clientId={_quoted(self.client_id)} clientSecret={_quoted(self.client_secret)} "
            f"scope={_quoted(scope)};"
        )
        return {
            "kafka.security.protocol": "SASL_SSL",
            "kafka.sasl.mechanism": "OAUTHBEARER",
            "kafka.sasl.jaas.config": jaas,
            "kafka.sasl.oauthbearer.token.endpoint.url": (
                f"https://login.microsoftonline.com/{self.tenant_id}/oauth2/v2.0/token"
            ),
            # The client-credentials handler of Kafka 3.1+ (the `secured` package is where Databricks Runtime
            # 12.2 to 16.4 ship it).
            "kafka.sasl.login.callback.handler.class": _login_module(
                shaded, "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler"
            ),
        }


KafkaAuth = ConnectionString | ServiceCredential | OAuthClient
