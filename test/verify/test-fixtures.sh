#!/usr/bin/env bash
# Tests of the verify/ pipeline on its own fixtures, with the real provider binaries:
#  - the valid fixture validates, mock-plans and passes checkov;
#  - each invalid variant (verify/fixtures/invalid-cases.json) is rejected with the expected text,
#    by validate or (for values in nested blocks) by the mock-provider plan;
#  - a failing mock-plan assertion and an unexplained or unreasoned checkov skip fail the run.
# Needs verify/build-providers.sh to have run. Ends with "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
V="$ROOT/verify"
FIX="$V/fixtures"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/verify-test.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
PASS=0; FAIL=0
ok()   { PASS=$((PASS + 1)); echo "ok   - $1"; }
notok() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; sed 's/^/       | /' "$2" | tail -n 25; }

# expect_rc NAME WANT_RC EXPECTED_TEXT -- command...
expect_rc() {
  local name="$1" want="$2" text="$3"; shift 4
  local rc=0; "$@" >"$TMP/out" 2>&1 || rc=$?
  if [[ "$want" == 0 && $rc -ne 0 ]] || [[ "$want" != 0 && $rc -eq 0 ]]; then notok "$name (exit $rc, wanted ${want/1/non-zero})" "$TMP/out"; return; fi
  if [[ -n "$text" ]] && ! grep -qF -- "$text" "$TMP/out"; then notok "$name (no '$text' in output)" "$TMP/out"; return; fi
  ok "$name"
}

# make_variant KIND INDEX -> prints the stacks dir holding one mutated copy of the valid fixture
make_variant() {
  python3 - "$FIX" "$TMP" "$1" "$2" <<'PY'
import json, sys, pathlib
fix, tmp, kind, idx = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
case = json.loads((fix / "invalid-cases.json").read_text())[kind][idx]
doc = json.loads((fix / "stacks/eventhub-valid/cdk.tf.json").read_text())
if "set" in case:
    path, value = case["set"]
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
if "delete" in case:
    node = doc
    for k in case["delete"][:-1]:
        node = node[k]
    del node[case["delete"][-1]]
out = tmp / kind / case["name"] / case["name"]
out.mkdir(parents=True)
(out / "cdk.tf.json").write_text(json.dumps(doc, indent=2))
print(out.parent, case["name"], case["expect"], sep="\t")
PY
}

case_count() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))[sys.argv[2]]))" "$FIX/invalid-cases.json" "$1"; }

expect_rc "valid fixture passes terraform validate" 0 "VALID" -- "$V/validate-stacks.sh" "$FIX/stacks"
for ((i = 0; i < $(case_count validate); i++)); do
  IFS=$'\t' read -r dir name text < <(make_variant validate "$i")
  expect_rc "invalid fixture '$name' is rejected by validate" 1 "$text" -- "$V/validate-stacks.sh" "$dir"
done

expect_rc "valid fixture passes mock-provider plans" 0 "Success!" -- "$V/mock-plans/run.sh" "$FIX/stacks"
for ((i = 0; i < $(case_count plan); i++)); do
  IFS=$'\t' read -r dir name text < <(make_variant plan "$i")
  # Documents the gap this rung covers: validate alone lets these through.
  expect_rc "invalid fixture '$name' passes validate (value unchecked while a reference is unknown)" 0 "VALID" -- "$V/validate-stacks.sh" "$dir"
  expect_rc "invalid fixture '$name' is rejected by the mock-provider plan" 1 "$text" -- "$V/mock-plans/run.sh" "$dir"
done
mkdir -p "$TMP/mock-tests/eventhub-valid"
# The fixture's own test with one expectation made wrong (keeps its well-formed mock IDs).
sed -e 's/partition_count == 8/partition_count == 32/' -e 's/telemetry hub should plan 8 partitions/deliberately wrong expectation/' \
  "$V/mock-plans/eventhub-valid/eventhub.tftest.hcl" >"$TMP/mock-tests/eventhub-valid/wrong.tftest.hcl"
expect_rc "a failing mock-plan assertion fails the run" 1 "deliberately wrong expectation" -- \
  env VERIFY_MOCK_TESTS_DIR="$TMP/mock-tests" "$V/mock-plans/run.sh" "$FIX/stacks"

expect_rc "valid fixture passes checkov with explained skips" 0 "PASS" -- "$V/checkov.sh" "$FIX/stacks"
for ((i = 0; i < $(case_count checkov); i++)); do
  IFS=$'\t' read -r dir name text < <(make_variant checkov "$i")
  expect_rc "checkov flags '$name'" 1 "$text" -- "$V/checkov.sh" "$dir"
done
sed 's/^    reason: .*/    reason: ""/' "$V/checkov-skips.yaml" >"$TMP/noreason.yaml"
expect_rc "a checkov skip without a reason fails" 1 "needs a written reason" -- \
  env VERIFY_CHECKOV_SKIPS="$TMP/noreason.yaml" "$V/checkov.sh" "$FIX/stacks"

echo "$PASS passed, $FAIL failed"
[[ $FAIL -eq 0 ]]
