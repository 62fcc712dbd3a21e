#!/usr/bin/env bash
# terraform init (against the local mirror) + terraform validate -json for every synthesized stack.
#   verify/validate-stacks.sh [STACKS_DIR]     (default: cdktf.out/stacks)
# Exit 0 only if every stack is valid. A stack whose provider is not in the mirror is BLOCKED
# (a failure, or SKIPPED with VERIFY_ALLOW_MISSING=1). Diagnostics are listed per stack at the end.
set -euo pipefail
# shellcheck source=verify/lib.sh
source "$(dirname "$0")/lib.sh"

STACKS_DIR="$(cd "${1:-$REPO_ROOT/cdktf.out/stacks}" 2>/dev/null && pwd)" \
  || die "no stacks directory '${1:-$REPO_ROOT/cdktf.out/stacks}' (run: npm run synth)"
[[ -f "$TF_CLI_CONFIG" ]] || die "no $TF_CLI_CONFIG: run verify/build-providers.sh first"
TF="$(resolve_tf_cli)" || die "no terraform >= 1.11 and no OpenTofu: run verify/build-providers.sh"
WORK="${VERIFY_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/verify-validate.XXXXXX")}"
mkdir -p "$WORK"
# Scratch copies go away on any exit, unless asked to keep them or given a work dir.
[[ -n "${VERIFY_KEEP_WORK:-}" || -n "${VERIFY_WORK_DIR:-}" ]] || trap 'rm -rf "$WORK"' EXIT
mapfile -t STACKS < <(list_stacks "$STACKS_DIR")
[[ ${#STACKS[@]} -gt 0 ]] || die "no */cdk.tf.json under $STACKS_DIR"
log "validating ${#STACKS[@]} stack(s) from $STACKS_DIR with $TF (scratch: $WORK)"

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
  vrc=0
  (cd "$dest" && "$TF" validate -json -no-color) >"$dest/validate.json" 2>"$dest/validate.err" || vrc=$?
  mapfile -t guides < <(substitute_guides "$dest")
  diags="$(python3 "$VERIFY_DIR/tfjson.py" diagnostics "$dest/validate.json" ${guides[@]+"${guides[@]}"})" && drc=0 || drc=$?
  nerr="$(grep -c '^ERROR' <<<"$diags" || true)"; nwarn="$(grep -c '^WARNING' <<<"$diags" || true)"
  nart="$(grep -c '^SUBSTITUTE-ARTIFACT' <<<"$diags" || true)"
  if [[ $drc -eq 3 ]]; then
    # Every error is on an argument the newer major's upgrade guide lists as changed: the stack is
    # likely valid for the pinned provider, but that is unproven until the pin can be built.
    ROWS+=("$(printf '%-40s %-8s %s errors only from the substitute (upgrade guide), %s warnings, %ss; %s' "$name" SUBST-OK "$nart" "$nwarn" $((SECONDS - t0)) "$note")")
    DETAILS+=("== $name (substitute artifacts only; not a failure)" "$diags")
  elif [[ $drc -ne 0 || $vrc -ne 0 ]]; then
    ROWS+=("$(printf '%-40s %-8s %s errors, %s warnings, %ss; %s' "$name" INVALID "$nerr" "$nwarn" $((SECONDS - t0)) "$note")"); FAILED=1
    DETAILS+=("== $name" "$diags$(cat "$dest/validate.err")")
  else
    ROWS+=("$(printf '%-40s %-8s %s warnings, %ss; %s' "$name" VALID "$nwarn" $((SECONDS - t0)) "$note")")
    [[ "$nwarn" -eq 0 ]] || DETAILS+=("== $name (warnings only)" "$diags")
  fi
done

echo "terraform validate ($("$TF" version | head -1)) over $STACKS_DIR:"
printf '  %s\n' "${ROWS[@]}"
if [[ ${#DETAILS[@]} -gt 0 ]]; then printf '%s\n' "${DETAILS[@]}"; fi
if grep -q SUBSTITUTE <<<"${ROWS[*]}"; then
  echo "NOTE: SUBSTITUTE means the pinned provider could not be built here; a substitute version was used (see verify/README.md)."
  echo "      SUBST-OK: the only errors are on arguments the substitute's upgrade guide lists as changed."
fi
exit "$FAILED"
