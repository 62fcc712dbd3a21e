#!/usr/bin/env python3
"""Small JSON helpers for the verify/ shell scripts (python3 is on every machine here; jq may not be).

  tfjson.py prepare STACK_DIR MANIFEST ALLOW_SUBSTITUTE
      Rewrites STACK_DIR/cdk.tf.json in place (it is a temp copy) so it can run against the local
      mirror: a required provider built as a labelled substitute gets the substitute's version, and
      the backend block is dropped (nothing here reads or writes state).
      Prints one line per required provider: "<name> <required> <mirror|-> <exact|substitute|missing|mismatch>".
  tfjson.py diagnostics VALIDATE_JSON [UPGRADE_GUIDE.md ...]
      Prints terraform validate -json diagnostics one per line; exit 1 if the config is invalid.
      With upgrade guides (only when a SUBSTITUTE provider of a newer major version was used): an
      error on a resource type + argument that a guide lists as removed/renamed is printed as
      SUBSTITUTE-ARTIFACT; exit 3 when every error is one (the config may be valid for the pin).
  tfjson.py smoke-test STACK_DIR [--schema PROVIDERS_SCHEMA_JSON] [--tofu]
      Prints a .tftest.hcl that mocks every provider of the stack and plans it once: every stack gets
      at least one mock plan, even without hand-written assertions. With Terraform it mocks during
      plan (override_during = plan) with well-formed Azure IDs, so provider value checks in nested
      blocks run; --tofu leaves that out (OpenTofu 1.10 has no override_during).
"""
import json
import re
import sys
from pathlib import Path


def load_manifest(path):
    rows = {}
    p = Path(path)
    if p.exists():
        for line in p.read_text().splitlines():
            cols = line.split("\t")
            if len(cols) >= 4:
                rows[cols[0]] = {"pinned": cols[1], "built": cols[2], "kind": cols[3]}
    return rows


def provider_type(name, spec):
    source = spec.get("source", name) if isinstance(spec, dict) else name
    return source.rstrip("/").split("/")[-1]


def prepare(stack_dir, manifest_path, allow_substitute):
    f = Path(stack_dir) / "cdk.tf.json"
    doc = json.loads(f.read_text())
    manifest = load_manifest(manifest_path)
    req = doc.get("terraform", {}).get("required_providers", {})
    bad = False
    for local_name, spec in req.items():
        ptype = provider_type(local_name, spec)
        required = spec.get("version", "") if isinstance(spec, dict) else spec
        row = manifest.get(ptype)
        if not row or row["kind"] == "missing" or not row["built"]:
            print(f"{local_name} {required or '-'} - missing")
            bad = True
            continue
        if required in ("", row["built"]):
            status = "exact" if row["kind"] == "exact" else "substitute"
        elif row["kind"] == "substitute" and allow_substitute == "1" and required == row["pinned"]:
            spec["version"] = row["built"]
            status = "substitute"
        else:
            status = "mismatch"
            bad = True
        print(f"{local_name} {required or '-'} {row['built']} {status}")
    # The scratch copy never touches state: drop the backend, so commands that insist on an
    # initialized backend (OpenTofu's `providers schema`) work after `init -backend=false`.
    doc.get("terraform", {}).pop("backend", None)
    f.write_text(json.dumps(doc, indent=2))
    return 2 if bad else 0


GUIDE_HEADING = re.compile(r"^### `(azurerm_[a-z0-9_]+)`", re.M)
CONTEXT_TYPE = re.compile(r"^resource\.([a-z0-9_]+)\.")
QUOTED = re.compile(r'"([a-z0-9_]+)"')


def load_guides(paths):
    sections = {}
    for p in paths:
        text = Path(p).read_text() if Path(p).exists() else ""
        heads = list(GUIDE_HEADING.finditer(text))
        for i, h in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            sections[h.group(1)] = sections.get(h.group(1), "") + text[h.end():end]
    return sections


def substitute_artifact(d, sections):
    m = CONTEXT_TYPE.match((d.get("snippet") or {}).get("context") or "")
    if not m or m.group(1) not in sections:
        return False
    names = QUOTED.findall((d.get("summary") or "") + " " + (d.get("detail") or ""))
    return bool(names) and all(f"`{n}`" in sections[m.group(1)] for n in names)


def diagnostics(path, guides=()):
    sections = load_guides(guides)
    raw = Path(path).read_text()
    try:
        doc = json.loads(raw)
    except ValueError:
        print(raw.strip())
        return 1
    real_errors = artifacts = 0
    for d in doc.get("diagnostics", []):
        sev = d.get("severity", "?").upper()
        if sev == "ERROR" and sections and substitute_artifact(d, sections):
            sev = "SUBSTITUTE-ARTIFACT"
            artifacts += 1
        elif sev == "ERROR":
            real_errors += 1
        where = ""
        rng = d.get("range")
        if rng:
            where = f" [{rng.get('filename')}:{rng.get('start', {}).get('line')}]"
        addr = f" {d['address']}" if d.get("address") else ""
        detail = " ".join((d.get("detail") or "").split())
        ctx = (d.get("snippet") or {}).get("context")
        ctx = f" ({ctx})" if ctx else ""
        print(f"{sev}{addr}{where}{ctx}: {d.get('summary')}" + (f" -- {detail}" if detail else ""))
    if doc.get("valid"):
        return 0
    return 3 if artifacts and not real_errors else 1


# Data sources are read at plan time, so mocked values reach the provider's own validation
# (e.g. azurerm_key_vault.tenant_id must be a UUID): give the common ones well-formed values.
ZERO_UUID = "00000000-0000-0000-0000-000000000000"
MOCK_DATA_DEFAULTS = {
    "azurerm": {
        "azurerm_client_config": {"tenant_id": ZERO_UUID, "client_id": ZERO_UUID,
                                  "object_id": ZERO_UUID, "subscription_id": ZERO_UUID},
        "azurerm_subscription": {"subscription_id": ZERO_UUID, "tenant_id": ZERO_UUID,
                                 "id": "/subscriptions/" + ZERO_UUID},
    },
}

# With override_during = plan, mocked computed values are known at plan time, so the provider's own
# value validation runs on nested blocks too (terraform validate skips a whole SDKv2 block when any
# value in it is unknown). Mocked IDs must then parse as IDs of the right type.
RG = "/subscriptions/" + ZERO_UUID + "/resourceGroups/rg-mock"
ARM = RG + "/providers/"
MOCK_RESOURCE_DEFAULTS = {
    "azurerm": {
        "azurerm_resource_group": {"id": RG},
        "azurerm_storage_account": {"id": ARM + "Microsoft.Storage/storageAccounts/stmock"},
        "azurerm_storage_container": {
            "id": "https://stmock.blob.core.windows.net/mock",
            "resource_manager_id": ARM + "Microsoft.Storage/storageAccounts/stmock/blobServices/default/containers/mock"},
        "azurerm_storage_data_lake_gen2_filesystem": {"id": "https://stmock.dfs.core.windows.net/mock"},
        "azurerm_eventhub_namespace": {"id": ARM + "Microsoft.EventHub/namespaces/evhns-mock"},
        "azurerm_eventhub": {"id": ARM + "Microsoft.EventHub/namespaces/evhns-mock/eventhubs/mock"},
        "azurerm_eventhub_consumer_group": {"id": ARM + "Microsoft.EventHub/namespaces/evhns-mock/eventhubs/mock/consumerGroups/mock"},
        "azurerm_eventhub_authorization_rule": {"id": ARM + "Microsoft.EventHub/namespaces/evhns-mock/eventhubs/mock/authorizationRules/mock"},
        "azurerm_eventhub_namespace_authorization_rule": {"id": ARM + "Microsoft.EventHub/namespaces/evhns-mock/authorizationRules/mock"},
        "azurerm_key_vault": {"id": ARM + "Microsoft.KeyVault/vaults/kv-mock", "vault_uri": "https://kv-mock.vault.azure.net/"},
        "azurerm_key_vault_secret": {
            "id": "https://kv-mock.vault.azure.net/secrets/mock/00000000000000000000000000000000",
            "resource_id": ARM + "Microsoft.KeyVault/vaults/kv-mock/secrets/mock",
            "versionless_id": "https://kv-mock.vault.azure.net/secrets/mock"},
        "azurerm_virtual_network": {"id": ARM + "Microsoft.Network/virtualNetworks/vnet-mock"},
        "azurerm_subnet": {"id": ARM + "Microsoft.Network/virtualNetworks/vnet-mock/subnets/snet-mock"},
        "azurerm_network_security_group": {"id": ARM + "Microsoft.Network/networkSecurityGroups/nsg-mock"},
        "azurerm_subnet_network_security_group_association": {"id": ARM + "Microsoft.Network/virtualNetworks/vnet-mock/subnets/snet-mock"},
        "azurerm_private_dns_zone": {"id": ARM + "Microsoft.Network/privateDnsZones/privatelink.mock.net"},
        "azurerm_private_dns_zone_virtual_network_link": {"id": ARM + "Microsoft.Network/privateDnsZones/privatelink.mock.net/virtualNetworkLinks/mock"},
        "azurerm_private_endpoint": {"id": ARM + "Microsoft.Network/privateEndpoints/pe-mock"},
        "azurerm_databricks_workspace": {"id": ARM + "Microsoft.Databricks/workspaces/dbw-mock",
                                         "workspace_url": "adb-1.1.azuredatabricks.net", "workspace_id": "1"},
        "azurerm_databricks_access_connector": {"id": ARM + "Microsoft.Databricks/accessConnectors/ac-mock"},
        "azurerm_user_assigned_identity": {"id": ARM + "Microsoft.ManagedIdentity/userAssignedIdentities/id-mock",
                                           "principal_id": ZERO_UUID, "client_id": ZERO_UUID, "tenant_id": ZERO_UUID},
        "azurerm_log_analytics_workspace": {"id": ARM + "Microsoft.OperationalInsights/workspaces/law-mock"},
        "azurerm_monitor_action_group": {"id": ARM + "Microsoft.Insights/actionGroups/ag-mock"},
        "azurerm_monitor_metric_alert": {"id": ARM + "Microsoft.Insights/metricAlerts/alert-mock"},
        "azurerm_monitor_diagnostic_setting": {"id": ARM + "Microsoft.EventHub/namespaces/evhns-mock|diag-mock"},
        "azurerm_application_insights": {"id": ARM + "Microsoft.Insights/components/appi-mock"},
        "azurerm_role_assignment": {"id": "/subscriptions/" + ZERO_UUID + "/providers/Microsoft.Authorization/roleAssignments/" + ZERO_UUID},
    },
}

# override_during is Terraform >= 1.11 syntax; OpenTofu 1.10 rejects it (smoke-test --tofu).
OVERRIDE_DURING_PLAN = True

REMOTE_REF = re.compile(r"data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)")


def hcl_str(s):
    return json.dumps(s)


SCHEMA_ATTRS = None


def known(t, vals):
    """Drop default values for attributes the provider does not have (needs the schema)."""
    if SCHEMA_ATTRS is None or t not in SCHEMA_ATTRS:
        return vals
    return {k: v for k, v in vals.items() if k in SCHEMA_ATTRS[t]}


def mock_block(ptype, alias, used_data, used_resources):
    lines = [f'mock_provider "{ptype}" {{']
    if alias:
        lines.append(f"  alias = {hcl_str(alias)}")
    if ptype in MOCK_RESOURCE_DEFAULTS and OVERRIDE_DURING_PLAN:
        lines.append("  override_during = plan")
    table = dict(MOCK_RESOURCE_DEFAULTS.get(ptype, {}))
    if ptype == "azurerm":
        # Any other azurerm type still gets an ID that parses as a generic ARM ID (typed parsers
        # will name the type that needs a real entry above).
        for rtype in used_resources:
            if rtype.startswith("azurerm_") and rtype not in table:
                table[rtype] = {"id": ARM + "Mock.Provider/" + rtype + "/mock"}
    for rtype, vals in sorted(table.items()):
        vals = known(rtype, vals)
        if rtype in used_resources and vals:
            body = ", ".join(f"{k} = {hcl_str(v)}" for k, v in vals.items())
            lines.append(f'  mock_resource "{rtype}" {{\n    defaults = {{ {body} }}\n  }}')
    for dtype, vals in MOCK_DATA_DEFAULTS.get(ptype, {}).items():
        vals = known(dtype, vals)
        if dtype in used_data and vals:
            body = ", ".join(f"{k} = {hcl_str(v)}" for k, v in vals.items())
            lines.append(f'  mock_data "{dtype}" {{\n    defaults = {{ {body} }}\n  }}')
    lines.append("}")
    return "\n".join(lines)


def schema_attributes(path):
    """{resource or data type: set(attribute names)} from `terraform providers schema -json`."""
    if not path or not Path(path).exists():
        return None
    doc = json.loads(Path(path).read_text())
    attrs = {}
    for prov in (doc.get("provider_schemas") or {}).values():
        for kind in ("resource_schemas", "data_source_schemas"):
            for t, sch in (prov.get(kind) or {}).items():
                attrs[t] = set((sch.get("block", {}).get("attributes") or {}).keys())
    return attrs


def smoke_test(stack_dir, schema_path=None):
    global SCHEMA_ATTRS
    SCHEMA_ATTRS = schema_attributes(schema_path)
    doc = json.loads((Path(stack_dir) / "cdk.tf.json").read_text())
    out = ["# Generated by verify/tfjson.py smoke-test: mock every provider, plan once.", ""]
    seen = set()
    used_data = set((doc.get("data") or {}).keys())
    used_resources = set((doc.get("resource") or {}).keys())
    for ptype, blocks in (doc.get("provider") or {}).items():
        for b in blocks if isinstance(blocks, list) else [blocks]:
            alias = (b or {}).get("alias")
            if (ptype, alias) in seen:
                continue
            seen.add((ptype, alias))
            out.append(mock_block(ptype, alias, used_data, used_resources))
    for local_name in (doc.get("terraform", {}).get("required_providers") or {}):
        if not any(p == local_name for p, _ in seen):
            out.append(mock_block(local_name, None, used_data, used_resources))
            seen.add((local_name, None))
    # Cross-stack references read another stack's state file, which does not exist here:
    # override each terraform_remote_state with placeholder outputs for every key referenced.
    text = json.dumps(doc)
    refs = {}
    for name, key in REMOTE_REF.findall(text):
        refs.setdefault(name, set()).add(key)
    for name in (doc.get("data", {}).get("terraform_remote_state") or {}):
        keys = sorted(refs.get(name, ()))
        vals = ", ".join(f"{hcl_str(k)} = {hcl_str('mock-' + k)}" for k in keys)
        out.append(f"override_data {{\n  target = data.terraform_remote_state.{name}\n  values = {{ outputs = {{ {vals} }} }}\n}}")
    # Variables without defaults need a value to plan.
    var_lines = []
    for name, spec in (doc.get("variable") or {}).items():
        spec = spec or {}
        if "default" in spec:
            continue
        t = str(spec.get("type", "string"))
        val = {"string": '"mock"', "number": "0", "bool": "false"}.get(t)
        if val is None:
            val = "[]" if t.startswith(("list", "set")) else "{}"
        var_lines.append(f"  {name} = {val}")
    if var_lines:
        out.append("variables {\n" + "\n".join(var_lines) + "\n}")
    out.append('run "smoke_plan" {\n  command = plan\n}')
    print("\n\n".join(out))
    return 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "prepare" and len(argv) == 5:
        return prepare(argv[2], argv[3], argv[4])
    if cmd == "diagnostics" and len(argv) >= 3:
        return diagnostics(argv[2], argv[3:])
    if cmd == "smoke-test" and len(argv) >= 3:
        global OVERRIDE_DURING_PLAN
        opts = argv[3:]
        OVERRIDE_DURING_PLAN = "--tofu" not in opts
        schema = opts[opts.index("--schema") + 1] if "--schema" in opts else None
        return smoke_test(argv[2], schema)
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
