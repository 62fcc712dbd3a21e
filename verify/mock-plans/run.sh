#!/usr/bin/env bash
# terraform test with mock providers, command = plan, for every synthesized stack.
#   verify/mock-plans/run.sh [STACKS_DIR]     (default: cdktf.out/stacks)
# Each stack gets a generated smoke test (all providers mocked, one plan) plus any hand-written
# verify/mock-plans/<stack-name>/*.tftest.hcl with assertions on planned values.
# Needs the real provider binaries: mock providers still take the schema from them.
set -euo pipefail
# shellcheck source=verify/lib.sh
source "$(dirname "$0")/../lib.sh"

STACKS_DIR="$(cd "${1:-$REPO_ROOT/cdktf.out/stacks}" 2>/dev/null && pwd)" \
  || die "no stacks directory '${1:-$REPO_ROOT/cdktf.out/stacks}' (run: npm run synth)"
[[ -f "$TF_CLI_CONFIG" ]] || die "no $TF_CLI_CONFIG: run verify/build-providers.sh first"
TF="$(resolve_tf_cli)" || die "no terraform >= 1.11 and no OpenTofu: run verify/build-providers.sh"
IS_TOFU=""; case "$("$TF" version)" in *OpenTofu*) IS_TOFU=1 ;; esac
TESTS_DIR="${VERIFY_MOCK_TESTS_DIR:-$VERIFY_DIR/mock-plans}"   # override only in tests of this harness
WORK="${VERIFY_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/verify-mock.XXXXXX")}"
mkdir -p "$WORK"
# Scratch copies go away on any exit, unless asked to keep them or given a work dir.
[[ -n "${VERIFY_KEEP_WORK:-}" || -n "${VERIFY_WORK_DIR:-}" ]] || trap 'rm -rf "$WORK"' EXIT
mapfile -t STACKS < <(list_stacks "$STACKS_DIR")
[[ ${#STACKS[@]} -gt 0 ]] || die "no */cdk.tf.json under $STACKS_DIR"
log "mock plans for ${#STACKS[@]} stack(s) from $STACKS_DIR with $TF"

ROWS=(); DETAILS=()
FAILED=0
for src in "${STACKS[@]}"; do
  name="$(basename "$src")"; dest="$WORK/$name"; t0=$SECONDS
  prc=0; stage_stack "$src" "$dest" || prc=$?
  note="$(provider_note "$dest/.verify-providers")"
  if [[ $prc -ne 0 ]]; then
    if grep -q ' mismatch$' "$dest/.verify-providers" || [[ "${VERIFY_ALLOW_MISSING:-0}" != 1 ]]; then
      ROWS+=("$(printf '%-40s %-8s %s' "$name" BLOCKED "$note")"); FAILED=1
    else
      ROWS+=("$(printf '%-40s %-8s %s' "$name" SKIPPED "$note")")
    fi
    continue
  fi
  if ! (cd "$dest" && "$TF" init -backend=false -input=false -no-color) >"$dest/init.log" 2>&1; then
    ROWS+=("$(printf '%-40s %-8s %s' "$name" INIT-ERR "$note")"); FAILED=1
    DETAILS+=("== $name: terraform init failed ($dest/init.log)" "$(grep -v '^\s*$' "$dest/init.log" | tail -n 15)")
    continue
  fi
  # A config that only the newer substitute rejects cannot be planned with it: say so, don't fail.
  mapfile -t guides < <(substitute_guides "$dest")
  if [[ ${#guides[@]} -gt 0 ]]; then
    (cd "$dest" && "$TF" validate -json -no-color) >"$dest/validate.json" 2>/dev/null || true
    drc=0; python3 "$VERIFY_DIR/tfjson.py" diagnostics "$dest/validate.json" "${guides[@]}" >/dev/null || drc=$?
    if [[ $drc -eq 3 ]]; then
      ROWS+=("$(printf '%-40s %-8s %s' "$name" SKIPPED "config is invalid only for the substitute provider (see validate); $note")")
      continue
    fi
  fi
  # Tests go in after init: init parses tests/ too, and a bad test must fail as a test, not as init.
  mkdir -p "$dest/tests"
  # Mock defaults may only name attributes the provider has (OpenTofu rejects others): pass the
  # schema, fetched once per provider set.
  schema="$WORK/schema-$(cksum <"$dest/.verify-providers" | cut -d' ' -f1).json"
  [[ -s "$schema" ]] || (cd "$dest" && "$TF" providers schema -json) >"$schema"
  python3 "$VERIFY_DIR/tfjson.py" smoke-test "$dest" --schema "$schema" ${IS_TOFU:+--tofu} >"$dest/tests/zz_smoke.tftest.hcl"
  nhand=0
  if [[ -d "$TESTS_DIR/$name" ]]; then
    for t in "$TESTS_DIR/$name"/*.tftest.hcl; do
      [[ -e "$t" ]] || continue
      # OpenTofu mocks computed values during plan anyway and rejects Terraform's override_during.
      if [[ -n "$IS_TOFU" ]]; then grep -v '^[[:space:]]*override_during[[:space:]]*=' "$t" >"$dest/tests/$(basename "$t")"
      else cp "$t" "$dest/tests/"; fi
      nhand=$((nhand + 1))
    done
  fi
  if (cd "$dest" && "$TF" test -no-color) >"$dest/test.log" 2>&1; then
    res="$(grep -E '^(Success|Failure)!' "$dest/test.log" | tail -1)"
    ROWS+=("$(printf '%-40s %-8s %s (%s hand-written file(s) + smoke), %ss; %s' "$name" PASS "$res" "$nhand" $((SECONDS - t0)) "$note")")
  else
    res="$(grep -E '^(Success|Failure)!' "$dest/test.log" | tail -1)"
    ROWS+=("$(printf '%-40s %-8s %s %ss; %s' "$name" FAIL "${res:-terraform test errored}" $((SECONDS - t0)) "$note")"); FAILED=1
    DETAILS+=("== $name ($dest/test.log)" "$(grep -v '^\s*$' "$dest/test.log" | tail -n 40)")
  fi
done

# A hand-written test folder whose stack no longer exists is a silent gap: flag it.
for d in "$TESTS_DIR"/*/; do
  n="$(basename "$d")"
  [[ -f "$STACKS_DIR/$n/cdk.tf.json" ]] || ROWS+=("$(printf '%-40s %-8s %s' "$n" ORPHAN "verify/mock-plans/$n has tests but $STACKS_DIR/$n does not exist (not a failure)")")
done

echo "terraform test with mock providers ($("$TF" version | head -1)) over $STACKS_DIR:"
printf '  %s\n' "${ROWS[@]}"
if [[ ${#DETAILS[@]} -gt 0 ]]; then printf '%s\n' "${DETAILS[@]}"; fi
exit "$FAILED"
