#!/usr/bin/env bash
# The whole test suite: lint and format checks, one type check, jest, the Python suite (which creates
# its own virtual environment), and checkov over every synthesized stack. Stops at the first failing step.
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
step "checkov (every stack of the default app; a finding fails unless verify/checkov-skips.yaml explains it)"
# Synthesized into a scratch folder: the test leaves cdktf.out as the main job wrote it.
out="$(mktemp -d "${TMPDIR:-/tmp}/test-synth.XXXXXX")"
trap 'rm -rf "$out"' EXIT
npx tsc -p tsconfig.build.json
CDKTF_OUTDIR="$out" node dist/stacks/main.js >/dev/null
bash verify/checkov.sh "$out/stacks"
