#!/usr/bin/env bash
# Shared settings for the verify/ scripts: version pins, cache layout, Terraform CLI choice.
# Sourced, never run. Everything heavy lives OUTSIDE the repo, under VERIFY_CACHE.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
set -euo pipefail

VERIFY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$VERIFY_DIR/.." && pwd)"

# ---- version pins (must match package.json's prebuilt bindings) ----
AZURERM_VERSION="4.55.0"                                   # @cdktf/provider-azurerm 14.23.1
AZURERM_MODULE="github.com/hashicorp/terraform-provider-azurerm"
AZURERM_QUERY="37bf7f03b661b804a59fd62fd6f6e6b8ee4a69df"   # the v4.55.0 tag; no /v4 suffix so @v4.55.0 is refused
DATABRICKS_VERSION="1.99.0"                                # @cdktf/provider-databricks 15.16.1
DATABRICKS_MODULE="github.com/databricks/terraform-provider-databricks"
DATABRICKS_QUERY="v1.99.0"
OPENTOFU_MODULE="github.com/opentofu/opentofu"
OPENTOFU_QUERY="v1.10.10"                                  # fallback CLI when no terraform >= 1.11 is on PATH

# A substitute is ONLY used with VERIFY_ALLOW_SUBSTITUTE=1 and is always reported as such.
# The workplace Go proxy refuses the 4.55.0 commit (403 "This module version is not available");
# this pseudo-version (azurerm 5.2.0 + a few commits, 2026-08-24) is the only azurerm it serves.
AZURERM_SUBSTITUTE_QUERY="${VERIFY_AZURERM_SUBSTITUTE_QUERY:-v1.44.1-0.20260824201233-fae580791926}"
DATABRICKS_SUBSTITUTE_QUERY="${VERIFY_DATABRICKS_SUBSTITUTE_QUERY:-}"   # none known to be served

# ---- cache layout (outside the repo; CI may cache this whole directory) ----
VERIFY_CACHE="${VERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streaming-platform}"
MIRROR_DIR="$VERIFY_CACHE/tf-mirror"          # filesystem_mirror root (unpacked layout)
MANIFEST="$MIRROR_DIR/manifest.tsv"           # provider <tab> pinned <tab> built <tab> exact|substitute <tab> module@version
TOOLS_BIN="$VERIFY_CACHE/bin"                 # tofu lands here
SRC_DIR="$VERIFY_CACHE/src"                   # writable copies of downloaded modules (replace directives need them)
LOG_DIR="$VERIFY_CACHE/logs"
TF_CLI_CONFIG="$VERIFY_CACHE/terraformrc"
# Own Go caches by default, so CI can cache one directory and cold/warm is measurable.
export GOPATH="${VERIFY_GOPATH:-$VERIFY_CACHE/gopath}"
export GOMODCACHE="${VERIFY_GOMODCACHE:-$GOPATH/pkg/mod}"
export GOCACHE="${VERIFY_GOCACHE:-$VERIFY_CACHE/gocache}"
export GOTOOLCHAIN=local                      # never fetch a toolchain behind our back
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

# Terraform must never read the user's ~/.terraformrc (TF_CLI_CONFIG_FILE points at a missing file here)
# nor phone home.
export TF_CLI_CONFIG_FILE="$TF_CLI_CONFIG"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_INPUT=0

log() { printf '[verify %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Pick the Terraform CLI: VERIFY_TF_CLI, else terraform >= 1.11 on PATH (mock_provider needs 1.7,
# override_during in the mock plans 1.11),
# else the OpenTofu built by build-providers.sh. Prints the path; never builds.
resolve_tf_cli() {
  if [[ -n "${VERIFY_TF_CLI:-}" ]]; then echo "$VERIFY_TF_CLI"; return; fi
  local tf
  if tf="$(command -v terraform)" && terraform_ok "$tf"; then echo "$tf"; return; fi
  if [[ -x "$TOOLS_BIN/tofu" ]]; then echo "$TOOLS_BIN/tofu"; return; fi
  return 1
}

terraform_ok() {
  local v
  v="$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\).*/\1/p')" || return 1
  [[ -n "$v" ]] || return 1
  local major minor
  IFS=. read -r major minor _ <<<"$v"
  (( major > 1 || (major == 1 && minor >= 11) ))
}


# List stack directories (those holding cdk.tf.json) under $1, one per line, sorted.
list_stacks() {
  local d
  for d in "$1"/*/; do [[ -f "$d/cdk.tf.json" ]] && echo "${d%/}"; done | sort
}

# Copy one synthesized stack to a scratch dir and point it at the mirror. Never touches cdktf.out:
# init writes .terraform/ and a lock file, and a lock file from a registry install would not match
# our locally built binaries, so both are dropped from the copy.
# Writes DEST/.verify-providers (tfjson.py prepare output); returns 2 if a provider is missing/mismatched.
stage_stack() {
  local src="$1" dest="$2"
  rm -rf "$dest"; mkdir -p "$dest"
  (cd "$src" && tar --exclude=./.terraform --exclude=./.terraform.lock.hcl -cf - .) | (cd "$dest" && tar -xf -)
  local rc=0
  python3 "$VERIFY_DIR/tfjson.py" prepare "$dest" "$MANIFEST" "${VERIFY_ALLOW_SUBSTITUTE:-0}" >"$dest/.verify-providers" || rc=$?
  return "$rc"
}

# One-line provider note for summaries, e.g. "azurerm 4.55.0->5.2.0 SUBSTITUTE".
provider_note() {
  awk '{ if ($4=="exact") printf "%s %s; ", $1, $3;
         else if ($4=="substitute") printf "%s %s->%s SUBSTITUTE; ", $1, $2, $3;
         else if ($4=="missing") printf "%s %s MISSING; ", $1, $2;
         else printf "%s wants %s, mirror has %s; ", $1, $2, $3 }' "$1"
}

# Upgrade guides between the pinned and the substitute major version of each substituted provider
# (azurerm ships website/docs/guides/<M>.0-upgrade-guide.html.markdown; build-providers.sh copies
# them to VERIFY_CACHE/guides/<provider>/). Used to tell apart errors
# that only the newer substitute raises. Prints paths, one per line.
substitute_guides() {
  local p req built kind major_req major_built m
  while read -r p req built kind; do
    [[ "$kind" == substitute ]] || continue
    major_req="${req%%.*}"; major_built="${built%%.*}"
    for ((m = major_req + 1; m <= major_built; m++)); do
      echo "$VERIFY_CACHE/guides/$p/$m.0-upgrade-guide.html.markdown"
    done
  done <"$1/.verify-providers"
}
