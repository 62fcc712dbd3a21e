#!/usr/bin/env bash
# The whole test suite: lint and format checks, one type check, jest, and the Python suite
# (which creates its own virtual environment). Stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "biome (TypeScript lint and format)"
npx biome check .
step "tsc --noEmit (types, checked once)"
npx tsc --noEmit -p tsconfig.json
step "jest"
npx jest --ci
step "python (ruff + pytest on local Spark with Delta Lake)"
bash scripts/test-python.sh
