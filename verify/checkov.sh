#!/usr/bin/env bash
# checkov over every synthesized stack (--framework terraform_json), with explained skips.
#   verify/checkov.sh [STACKS_DIR]      (default: cdktf.out/stacks)
#   VERIFY_CHECKOV_SKIPS=FILE           (default: verify/checkov-skips.yaml)
# A failed check passes only if the skips file names its id (optionally limited to some stacks)
# with a written reason. Unexplained failures, and skip entries without a reason, fail the run.
set -euo pipefail
# shellcheck source=verify/lib.sh
source "$(dirname "$0")/lib.sh"

CHECKOV_VERSION="3.3.30"   # pinned; bump deliberately and re-read the new checks' results
LOCK="$VERIFY_DIR/checkov.lock"   # checkov and its dependencies, each pinned
grep -qx "checkov==$CHECKOV_VERSION" "$LOCK" || die "$LOCK does not pin checkov==$CHECKOV_VERSION"
# The lock's digest names the venv: a changed lock installs afresh.
VENV="$VERIFY_CACHE/checkov-$CHECKOV_VERSION-$(sha256sum "$LOCK" | cut -c1-12)"
SKIPS="${VERIFY_CHECKOV_SKIPS:-$VERIFY_DIR/checkov-skips.yaml}"
STACKS_DIR="$(cd "${1:-$REPO_ROOT/cdktf.out/stacks}" 2>/dev/null && pwd)" \
  || die "no stacks directory '${1:-$REPO_ROOT/cdktf.out/stacks}' (run: npm run synth)"
[[ -f "$SKIPS" ]] || die "no skips file $SKIPS"

# Own venv outside the repo: checkov pins many libraries that must not leak into the project's Python.
if [[ ! -x "$VENV/bin/checkov" ]]; then
  log "installing checkov $CHECKOV_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # The log folder first: on a fresh cache the install log would have nowhere to go.
  mkdir -p "$LOG_DIR"
  nice -n 19 "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$LOCK" >"$LOG_DIR/checkov-install.log" 2>&1 \
    || { tail -n 20 "$LOG_DIR/checkov-install.log" >&2; die "pip install checkov failed"; }
fi
mkdir -p "$LOG_DIR"

mapfile -t STACKS < <(list_stacks "$STACKS_DIR")
[[ ${#STACKS[@]} -gt 0 ]] || die "no */cdk.tf.json under $STACKS_DIR"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/verify-checkov.XXXXXX")"
[[ -n "${VERIFY_KEEP_WORK:-}" ]] || trap 'rm -rf "$OUT"' EXIT
# No platform, no network: skip the Prisma/Bridgecrew download and guideline fetch.
export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
for src in "${STACKS[@]}"; do
  name="$(basename "$src")"
  rc=0
  # Scan only the JSON cdktf wrote (a stray .terraform/ from someone's cdktf deploy is not ours).
  "$VENV/bin/checkov" -d "$src" --framework terraform_json --skip-path '\.terraform' \
    -o json --compact --skip-download >"$OUT/$name.json" 2>"$OUT/$name.err" || rc=$?
  # checkov exits 1 when checks fail (judged below); anything else is a crash.
  [[ $rc -le 1 ]] || { cat "$OUT/$name.err" >&2; die "checkov crashed on $name (exit $rc)"; }
done
rc=0
"$VENV/bin/python" "$VERIFY_DIR/checkov_report.py" "$SKIPS" "$OUT" "$("$VENV/bin/checkov" --version)" "$STACKS_DIR" || rc=$?
exit "$rc"
