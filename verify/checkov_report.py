#!/usr/bin/env python3
"""Judge checkov JSON results against verify/checkov-skips.yaml (run by checkov's own venv python).

usage: checkov_report.py SKIPS_YAML RESULTS_DIR CHECKOV_VERSION [STACKS_DIR]
RESULTS_DIR holds <stack>.json, one checkov -o json result per stack; STACKS_DIR the stacks it scanned
(<stack>/cdk.tf.json), so that every finding is named `<type>.<name>`, as the skips' `resources` globs are.
"""
import fnmatch
import json
import sys
from pathlib import Path


def load_skips(path):
    import yaml  # checkov's venv has it; the functions below do not need it

    doc = yaml.safe_load(Path(path).read_text()) or {}
    skips, errors = [], []
    for i, s in enumerate(doc.get("skips") or []):
        if not isinstance(s, dict) or not str(s.get("id", "")).strip():
            errors.append(f"skip #{i + 1}: no id")
            continue
        unknown = set(s) - {"id", "reason", "stacks", "resources"}
        if unknown:
            errors.append(f"{s['id']}: unknown keys {sorted(unknown)}")
        if len(str(s.get("reason") or "").strip()) < 15:
            errors.append(f"{s['id']}: every skip needs a written reason")
        skips.append({"id": s["id"], "reason": str(s.get("reason", "")).strip(),
                      "stacks": s.get("stacks") or ["*"], "resources": s.get("resources") or ["*"], "used": 0})
    return skips, errors


def results(path):
    raw = path.read_text().strip()
    if not raw:
        return []
    doc = json.loads(raw)
    reports = doc if isinstance(doc, list) else [doc]
    out = []
    for r in reports:
        if isinstance(r, dict) and "results" in r:
            out.append(r)
    return out


def resource_types(stack_json):
    """Each resource's logical name -> its type, from the stack's Terraform JSON ({} without one)."""
    if stack_json is None or not stack_json.is_file():
        return {}
    doc = json.loads(stack_json.read_text())
    return {name: rtype for rtype, items in (doc.get("resource") or {}).items() for name in items}


def address(resource, types):
    """A finding's resource as `<type>.<name>`: checkov's JSON checks write `resource.<name>` instead."""
    prefix, _, name = resource.partition(".")
    return f"{types[name]}.{name}" if prefix == "resource" and name in types else resource


def main(skips_path, results_dir, version, stacks_dir=None):
    skips, errors = load_skips(skips_path)
    bad, passed_total, skipped_total = [], 0, 0
    rows = []
    for f in sorted(Path(results_dir).glob("*.json")):
        stack = f.stem
        types = resource_types(Path(stacks_dir) / stack / "cdk.tf.json" if stacks_dir else None)
        npass = nfail = nskip = 0
        for rep in results(f):
            npass += len(rep["results"].get("passed_checks", []))
            for c in rep["results"].get("failed_checks", []):
                resource = address(c.get("resource", ""), types)
                match = next((s for s in skips if s["id"] == c["check_id"]
                              and any(fnmatch.fnmatch(stack, g) for g in s["stacks"])
                              and any(fnmatch.fnmatch(resource, g) for g in s["resources"])), None)
                if match:
                    match["used"] += 1
                    nskip += 1
                else:
                    nfail += 1
                    bad.append(f"  {stack}: {c['check_id']} {c.get('check_name', '')} -- {resource}"
                               f" ({c.get('file_path')}:{(c.get('file_line_range') or ['?'])[0]})")
        passed_total += npass
        skipped_total += nskip
        rows.append(f"  {stack:<40} {'PASS' if nfail == 0 else 'FAIL':<5} {npass} passed, {nfail} failed, {nskip} skipped-with-reason")
    print(f"checkov ({version}, --framework terraform_json) over {len(rows)} stack(s):")
    print("\n".join(rows))
    if bad:
        print("Unexplained failures (fix the construct, or add an id + reason to the skips file):")
        print("\n".join(bad))
    unused = [s["id"] for s in skips if s["used"] == 0]
    if unused:
        print(f"Skip entries that matched nothing in this run (stale or for other stacks): {', '.join(unused)}")
    if errors:
        print("Skips file problems:")
        print("\n".join("  " + e for e in errors))
    return 1 if bad or errors else 0


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        sys.exit(64)
    sys.exit(main(*sys.argv[1:]))
