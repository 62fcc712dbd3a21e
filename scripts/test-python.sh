#!/usr/bin/env bash
# Python half of the test command: venv from the lock file, ruff (lint + format), pytest on local Spark + Delta.
# Works on a fresh machine (needs python3.11 and Java 17; PyPI and Maven Central reachable for the first run).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=.venv
LOCK=requirements.lock
PYTHON=${PYTHON:-python3}

lock_hash=$(sha256sum "$LOCK" | cut -d' ' -f1)
stamp="$VENV/.requirements.lock.sha256"
if [[ ! -x "$VENV/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "test-python: creating $VENV from $LOCK"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --no-deps -r "$LOCK"
  "$VENV/bin/python" -m pip check
  echo "$lock_hash" > "$stamp"
fi

PY_SOURCES=(notebooks tools test/python local test/local test/verify bench/streaming)
"$VENV/bin/ruff" check "${PY_SOURCES[@]}"
"$VENV/bin/ruff" format --check "${PY_SOURCES[@]}"

start=$(date +%s)
# test/local starts a real Kafka broker (jars from Maven Central on first use) and runs the pipeline end to end.
"$VENV/bin/python" -m pytest test/python test/local test/verify -p no:cacheprovider "$@"
echo "test-python: pytest took $(( $(date +%s) - start )) s"
