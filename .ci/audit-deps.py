#!/usr/bin/env python3
"""Audit the installed dependencies for known vulnerabilities with pip-audit.

Fails (exit 1) when any installed package has a known vulnerability. When the vulnerability service cannot be
reached (a machine that sees only a package mirror), pip-audit skips every package: that is said plainly and
does not fail the build, because nothing was audited -- it is not a pass either.
Usage: audit-deps.py SITE_PACKAGES_DIR
"""
import json
import subprocess
import sys

site = sys.argv[1]
run = subprocess.run([sys.executable, "-m", "pip_audit", "--path", site, "--format", "json", "--progress-spinner", "off"],
                     capture_output=True, text=True)
try:
    report = json.loads(run.stdout)
except json.JSONDecodeError:
    print(f"dependency audit: pip-audit gave no report (exit {run.returncode}): {run.stderr.strip()[-500:]}")
    sys.exit(1)
deps = report.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if d.get("skip_reason")]
audited = len(deps) - len(skipped)
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
        print(f"VULNERABLE {dep['name']} {dep.get('version', '')}: {vuln['id']} (fixed in {fixed})")
if audited == 0 and deps:
    print(f"dependency audit: NOT AUDITED -- the vulnerability service could not be reached, "
          f"{len(skipped)} packages skipped (run it where PyPI's JSON API or OSV is reachable)")
    sys.exit(0)
print(f"dependency audit: {audited} packages audited, {len(vulnerable)} with known vulnerabilities, "
      f"{len(skipped)} skipped")
sys.exit(1 if vulnerable else 0)
