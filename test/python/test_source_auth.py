"""The source credential a pipeline job builds from its parameters, and which source each credential may read."""

from __future__ import annotations

from pathlib import Path

import pytest

from medallion import jobs
from medallion.kafka_auth import ConnectionString, OAuthClient, ServiceCredential
from medallion.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
TENANT = "11111111-2222-3333-4444-555555555555"
# Built at runtime: no secret-looking literal in the repo.
SECRET = "value-of-" + "the-secret"


def secrets(scope: str, key: str) -> str:
    """The secret scope: one key, and it records nothing else."""
    assert (scope, key) == ("stream-prod", "evh-key")
    return SECRET


def test_connection_string_is_the_default():
    assert jobs.source_credential("", "stream-prod", "evh-key", secrets) == ConnectionString(SECRET)
    assert jobs.source_credential("connection_string", "stream-prod", "evh-key", secrets) == ConnectionString(SECRET)


def test_service_credential_reads_no_secret():
    def no_secret(scope, key):
        raise AssertionError("a service credential needs no secret")

    credential = jobs.source_credential(
        "service_credential", "", "", no_secret, service_credential="stream_prod_eventhubs"
    )
    assert credential == ServiceCredential("stream_prod_eventhubs")


def test_oauth_reads_the_client_secret():
    credential = jobs.source_credential(
        "oauth", "stream-prod", "evh-key", secrets, oauth_tenant_id=TENANT, oauth_client_id="app-id"
    )
    assert credential == OAuthClient(TENANT, "app-id", SECRET)
    assert SECRET not in repr(credential)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"source_auth": "token"}, "source_auth: got 'token'; allowed: connection_string, service_credential, oauth"),
        (
            {"source_auth": "service_credential"},
            "service_credential (the Unity Catalog service credential's name) is required",
        ),
        ({"secret_key": ""}, "secret_scope and secret_key (the Event Hubs connection string) are required"),
        ({"source_auth": "oauth", "secret_key": ""}, "secret_scope and secret_key (the client secret) are required"),
        ({"source_auth": "oauth"}, "oauth_tenant_id and oauth_client_id required with source_auth 'oauth'"),
        ({"source_auth": "oauth", "oauth_tenant_id": TENANT}, "oauth_client_id required with source_auth 'oauth'"),
    ],
)
def test_missing_or_unknown_parameters_are_named(arguments, message):
    given = {
        "source_auth": "",
        "secret_scope": "stream-prod",
        "secret_key": "evh-key",
        "get_secret": secrets,
    } | arguments
    with pytest.raises(ValueError) as caught:
        jobs.source_credential(**given)
    assert str(caught.value) == message


def test_the_eventhubs_connector_takes_only_a_connection_string():
    spec = load_spec(ROOT / "schema/examples/valid/iot-telemetry.json")
    with pytest.raises(ValueError, match="source type 'eventhubs' needs source_auth 'connection_string'"):
        jobs.bronze_source(None, spec, ServiceCredential("stream_prod_eventhubs"), "evhns-demo")


def test_entra_id_on_kafka_needs_the_namespace():
    spec = load_spec(ROOT / "schema/examples/valid/manufacturing-sensors.json")
    with pytest.raises(ValueError, match="eventhubs_namespace is required with Entra ID"):
        jobs.bronze_source(None, spec, ServiceCredential("stream_prod_eventhubs"), "")
