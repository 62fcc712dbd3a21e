#!/usr/bin/env bash
# The "real toolchain" rung in one command: build providers (if needed) -> terraform validate ->
# mock-provider plans -> checkov, over every synthesized stack. Every step runs even if an earlier
# one failed (so one run shows everything); the exit code is non-zero if any step failed.
#   verify/run-all.sh [STACKS_DIR]        (default: cdktf.out/stacks; run `npm run synth` first)
# Environment (see verify/README.md): VERIFY_CACHE, VERIFY_ALLOW_SUBSTITUTE, VERIFY_ALLOW_MISSING,
# VERIFY_TF_CLI, VERIFY_KEEP_WORK.
set -euo pipefail
# shellcheck source=verify/lib.sh
source "$(dirname "$0")/lib.sh"

STACKS_ARG="${1:-$REPO_ROOT/cdktf.out/stacks}"
[[ -d "$STACKS_ARG" ]] || die "no stacks directory '$STACKS_ARG' (run: npm run synth)"
STACKS_DIR="$(cd "$STACKS_ARG" && pwd)"
mkdir -p "$LOG_DIR"

SUMMARY=()
FAILED=0
now() { date +%s.%N; }
step() {   # step NAME LOGFILE -- command...
  local name="$1" logf="$2"; shift 3
  local t0 rc=0; t0="$(now)"
  log "== $name"
  "$@" 2>&1 | tee "$logf" || rc=${PIPESTATUS[0]}
  local dt; dt="$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}')"
  SUMMARY+=("$(printf '%-22s %-5s %7ss   log: %s' "$name" "$([[ $rc -eq 0 ]] && echo ok || echo FAIL)" "$dt" "$logf")")
  [[ $rc -eq 0 ]] || FAILED=1
}

T0="$(now)"
step "build providers" "$LOG_DIR/run-all.build.log" -- "$VERIFY_DIR/build-providers.sh"
step "terraform validate" "$LOG_DIR/run-all.validate.log" -- "$VERIFY_DIR/validate-stacks.sh" "$STACKS_DIR"
step "mock-provider plans" "$LOG_DIR/run-all.mock-plans.log" -- "$VERIFY_DIR/mock-plans/run.sh" "$STACKS_DIR"
step "checkov" "$LOG_DIR/run-all.checkov.log" -- "$VERIFY_DIR/checkov.sh" "$STACKS_DIR"

echo
echo "verify/run-all.sh summary ($STACKS_DIR, $(awk -v a="$T0" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}') s total):"
printf '  %s\n' "${SUMMARY[@]}"
if [[ -f "$MANIFEST" ]]; then
  awk -F'\t' '{ printf "  provider %-11s pinned %-7s in mirror: %s\n", $1, $2,
                ($4=="missing" ? "NONE (could not be built)" : $3 " (" $4 ")") }' "$MANIFEST"
fi
echo "  terraform CLI: $(resolve_tf_cli 2>/dev/null || echo none)"
[[ $FAILED -eq 0 ]] && echo "RESULT: ok" || echo "RESULT: FAILED"
exit "$FAILED"
