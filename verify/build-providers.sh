#!/usr/bin/env bash
# Build the pinned Terraform providers (and, if needed, OpenTofu) from the Go module proxy into a
# filesystem mirror outside the repo, and write the Terraform CLI config that points at it.
# Idempotent: a component is skipped when its binary exists with a matching "built-from" marker.
#
#   verify/build-providers.sh            # strict: exact pins only, exit 3 if one cannot be had
#   VERIFY_ALLOW_SUBSTITUTE=1 ...        # fall back to the substitute pins in lib.sh, labelled as such
#   VERIFY_ALLOW_MISSING=1 ...           # exit 0 even if a provider could not be built at all
#   VERIFY_BUILD_TOFU=1 ...              # build OpenTofu even though terraform is on PATH
#   VERIFY_ONLY="azurerm tofu" ...       # build a subset (names: azurerm databricks tofu)
#   VERIFY_PRUNE_GO_CACHES=1 ...         # delete the Go module/build caches afterwards (keeps the mirror)
set -euo pipefail
# shellcheck source=verify/lib.sh
source "$(dirname "$0")/lib.sh"

mkdir -p "$MIRROR_DIR/registry.terraform.io" "$TOOLS_BIN" "$SRC_DIR" "$LOG_DIR" "$GOMODCACHE" "$GOCACHE"
# OpenTofu resolves bare/"hashicorp/x" sources to registry.opentofu.org; its mirror scan does not
# follow a symlinked host directory, so that tree is built of hard links (see mirror_for_tofu).
[[ -L "$MIRROR_DIR/registry.opentofu.org" ]] && rm -f "$MIRROR_DIR/registry.opentofu.org"
touch "$MANIFEST"

PLATFORM="$("$GO" env GOOS)_$("$GO" env GOARCH)"
ONLY="${VERIFY_ONLY:-azurerm databricks tofu}"
STATUS=()      # human summary lines
MISSING=0

# go mod download -json MODULE@QUERY -> prints "Version<TAB>Dir", or returns 1 with the proxy's error on stderr.
download_module() {
  local out
  out="$("$GO" mod download -json "$1@$2" 2>&1)" || true
  python3 - "$out" <<'PY'
import json, sys
raw = sys.argv[1]
try:
    j = json.loads(raw[raw.index("{"):])
except Exception:
    sys.stderr.write(raw + "\n"); sys.exit(1)
if j.get("Error") or not j.get("Dir"):
    sys.stderr.write((j.get("Error") or raw) + "\n"); sys.exit(1)
print(j["Version"] + "\t" + j["Dir"])
PY
}

# Copy a read-only module dir from GOMODCACHE to a writable build dir (go install refuses replace
# directives; building inside the module honours them and uses the module's own go.sum).
writable_copy() {
  local dst="$SRC_DIR/$2"
  rm -rf "$dst"; mkdir -p "$(dirname "$dst")"
  cp -r "$1" "$dst"; chmod -R u+w "$dst"
  echo "$dst"
}

# Run one go build under nice and GNU time; the time -v report goes to LOG_DIR/<name>.time.
timed_build() {
  local name="$1" dir="$2" out="$3" ldflags="$4" pkg="$5"
  log "building $name in $dir (log: $LOG_DIR/$name.build.log)"
  local t0=$SECONDS
  if ! (cd "$dir" && /usr/bin/time -v -o "$LOG_DIR/$name.time" \
          nice -n 19 "$GO" build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg") \
        >"$LOG_DIR/$name.build.log" 2>&1; then
    tail -n 30 "$LOG_DIR/$name.build.log" >&2
    die "go build of $name failed (see $LOG_DIR/$name.build.log)"
  fi
  mv "$out.tmp" "$out"
  local rss; rss="$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$LOG_DIR/$name.time")"
  log "built $name in $((SECONDS - t0)) s, peak RSS of one process ${rss} MB"
  printf '%s\t%s\t%s\t%s\n' "$name" "$(date -u +%FT%TZ)" "$((SECONDS - t0))" "$rss" >>"$LOG_DIR/build-times.tsv"
}

set_manifest() {   # provider pinned built kind module@version
  local tmp; tmp="$(mktemp)"
  awk -F'\t' -v p="$1" '$1!=p' "$MANIFEST" >"$tmp" || true
  printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tmp"
  mv "$tmp" "$MANIFEST"
}

# Version a substitute really is, read from its own source (never label it with the pin).
source_version() {
  case "$1" in
    azurerm)    [[ -f "$2/version/VERSION" ]] && tr -d ' \n' <"$2/version/VERSION" ;;
    databricks) sed -n 's/^[[:space:]]*version[[:space:]]*=[[:space:]]*"\([0-9][0-9.]*\)".*/\1/p' "$2/common/version.go" | head -1 ;;
  esac
}

# Same provider tree under registry.opentofu.org, hard-linked (no extra disk; copy if links fail).
mirror_for_tofu() {
  local src="$MIRROR_DIR/registry.terraform.io/$1/$2" dst="$MIRROR_DIR/registry.opentofu.org/$1/$2"
  rm -rf "$dst"; mkdir -p "$(dirname "$dst")"
  cp -al "$src" "$dst" 2>/dev/null || cp -a "$src" "$dst"
}

build_provider() {
  local name="$1" ns="$2" pinned="$3" module="$4" query="$5" subst="$6" ldvar="$7"
  local kind="exact" resolved err
  if ! resolved="$(download_module "$module" "$query" 2>"$LOG_DIR/$name.resolve.err")"; then
    err="$(head -c 400 "$LOG_DIR/$name.resolve.err" | tr '\n' ' ')"
    log "$name $pinned ($module@$query) is not obtainable: $err"
    if [[ "${VERIFY_ALLOW_SUBSTITUTE:-0}" == 1 && -n "$subst" ]] \
        && resolved="$(download_module "$module" "$subst" 2>"$LOG_DIR/$name.resolve.err")"; then
      kind="substitute"
      log "$name: VERIFY_ALLOW_SUBSTITUTE=1 -> using substitute $module@$subst"
    else
      set_manifest "$name" "$pinned" "" "missing" "$module@$query"
      STATUS+=("$name: MISSING (pinned $pinned refused by the Go proxy${subst:+; substitute not allowed or refused})")
      MISSING=1
      return 0
    fi
  fi
  local modver="${resolved%%$'\t'*}" moddir="${resolved#*$'\t'}" version="$pinned"
  if [[ "$kind" == substitute ]]; then
    version="$(source_version "$name" "$moddir")"
    [[ -n "$version" ]] || die "cannot tell the version of substitute $module@$modver"
  else
    # Guard against a pin that drifted from its label.
    local sv; sv="$(source_version "$name" "$moddir" || true)"
    [[ -z "$sv" || "$sv" == "$pinned" ]] || die "$module@$modver says version $sv, expected $pinned"
  fi
  local dir="$MIRROR_DIR/registry.terraform.io/$ns/$name/$version/$PLATFORM"
  local bin="$dir/terraform-provider-${name}_v$version"    # unpacked layout: terraform-provider-TYPE[_vX.Y.Z]
  local want="$module@$modver"
  # Marker lives outside the mirror: Terraform hashes and scans the whole platform directory.
  local marker="$VERIFY_CACHE/markers/$name.built-from"
  if [[ -x "$bin" && "$(cat "$marker" 2>/dev/null)" == "$want $bin" ]]; then
    log "$name $version already built from $want, skipping"
  else
    # Drop other versions of this provider so Terraform cannot pick a stale one.
    rm -rf "$MIRROR_DIR/registry.terraform.io/$ns/$name"
    mkdir -p "$dir"
    local src; src="$(writable_copy "$moddir" "$name@$modver")"
    timed_build "$name" "$src" "$bin" "-s -w -X $ldvar=$version" .
    mkdir -p "$(dirname "$marker")"; echo "$want $bin" >"$marker"
    rm -rf "$src"   # sources stay in GOMODCACHE; the copy was only needed to build
  fi
  mirror_for_tofu "$ns" "$name"
  # Keep the provider's upgrade guides beside the mirror: validate-stacks.sh uses them to tell
  # substitute-only errors apart, and they must survive VERIFY_PRUNE_GO_CACHES.
  mkdir -p "$VERIFY_CACHE/guides/$name"
  cp "$moddir"/website/docs/guides/*upgrade-guide*.markdown "$VERIFY_CACHE/guides/$name/" 2>/dev/null || true
  set_manifest "$name" "$pinned" "$version" "$kind" "$want"
  STATUS+=("$name: $version ($kind, from $want)")
}

build_tofu() {
  local tf
  if [[ "${VERIFY_BUILD_TOFU:-0}" != 1 ]] && tf="$(command -v terraform)" && terraform_ok "$tf"; then
    STATUS+=("cli: $tf ($("$tf" version | head -1)); OpenTofu not needed")
    return 0
  fi
  local resolved
  resolved="$(download_module "$OPENTOFU_MODULE" "$OPENTOFU_QUERY")" || die "OpenTofu $OPENTOFU_QUERY not obtainable"
  local modver="${resolved%%$'\t'*}" moddir="${resolved#*$'\t'}" bin="$TOOLS_BIN/tofu"
  local marker="$VERIFY_CACHE/markers/tofu.built-from"
  if [[ -x "$bin" && "$(cat "$marker" 2>/dev/null)" == "$OPENTOFU_MODULE@$modver $bin" ]]; then
    log "tofu already built from $OPENTOFU_MODULE@$modver, skipping"
  else
    local src; src="$(writable_copy "$moddir" "opentofu@$modver")"
    # version.dev=no drops the "-dev" suffix, as the release build does (.goreleaser.yaml).
    timed_build tofu "$src" "$bin" "-s -w -X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu
    mkdir -p "$(dirname "$marker")"; echo "$OPENTOFU_MODULE@$modver $bin" >"$marker"
    rm -rf "$src"
  fi
  STATUS+=("tofu: $bin ($("$bin" version | head -1))")
}

write_cli_config() {
  # Only the mirror: no registry is reachable, and a provider missing from the mirror must fail
  # loudly at init rather than time out on the network.
  cat >"$TF_CLI_CONFIG" <<EOF
# Generated by verify/build-providers.sh; used through TF_CLI_CONFIG_FILE by verify/*.sh.
provider_installation {
  filesystem_mirror {
    path = "$MIRROR_DIR"
  }
}
EOF
}

# Written first: the CLI config only names the mirror, and tofu/terraform warn when it is missing.
write_cli_config
for c in $ONLY; do
  case "$c" in
    azurerm)    build_provider azurerm hashicorp "$AZURERM_VERSION" "$AZURERM_MODULE" "$AZURERM_QUERY" \
                  "$AZURERM_SUBSTITUTE_QUERY" "github.com/hashicorp/terraform-provider-azurerm/version.ProviderVersion" ;;
    databricks) build_provider databricks databricks "$DATABRICKS_VERSION" "$DATABRICKS_MODULE" "$DATABRICKS_QUERY" \
                  "$DATABRICKS_SUBSTITUTE_QUERY" "github.com/databricks/terraform-provider-databricks/common.version" ;;
    tofu)       build_tofu ;;
    *) die "unknown component $c" ;;
  esac
done

# The Go caches are ~10 GB after a cold build, the mirror ~0.2 GB: CI can cache the mirror alone.
if [[ "${VERIFY_PRUNE_GO_CACHES:-0}" == 1 ]]; then
  log "pruning Go caches ($GOMODCACHE, $GOCACHE); the mirror and bin/ stay"
  "$GO" clean -cache -modcache
fi

cli="$(resolve_tf_cli || echo 'NONE (run with VERIFY_ONLY=tofu)')"
log "summary:"
for s in "${STATUS[@]}"; do printf '  %s\n' "$s" >&2; done
printf '  terraform CLI used by verify/: %s\n  mirror: %s\n  CLI config: %s\n' "$cli" "$MIRROR_DIR" "$TF_CLI_CONFIG" >&2
if [[ "$MISSING" == 1 && "${VERIFY_ALLOW_MISSING:-0}" != 1 ]]; then
  log "a pinned provider could not be built (see above); set VERIFY_ALLOW_MISSING=1 to go on without it"
  exit 3
fi
