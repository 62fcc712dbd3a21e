#!/usr/bin/env bash
# The main job: compile the app and synthesize every environment of the default app into cdktf.out/
# with its embedded defaults (no Azure credentials needed).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/compile-spec-validator.js
npx tsc -p tsconfig.build.json
node dist/stacks/main.js
echo "Synthesized stacks:"
ls -1 cdktf.out/stacks
