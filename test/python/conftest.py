"""One local SparkSession (Delta, local[2]) for the whole pytest session, plus input/table helpers."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from medallion.spec import StreamSpec, load_spec

# PySpark converts collected timestamps with the Python process's zone: pin it to the session's (UTC).
os.environ["TZ"] = "UTC"
time.tzset()

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from medallion.session import local_session

    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = local_session(str(tmp_path_factory.mktemp("warehouse")))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def iot_spec() -> StreamSpec:
    return load_spec(ROOT / "schema/examples/valid/iot-telemetry.json")


@pytest.fixture(scope="session")
def iot_spec_json() -> str:
    return (ROOT / "schema/examples/valid/iot-telemetry.json").read_text()
