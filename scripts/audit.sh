#!/usr/bin/env bash
# make audit: known vulnerabilities in the installed dependencies (pip-audit), and the code of
# tracker/ (bandit). Fails on any known vulnerability and on any high-severity bandit finding.
#
# pip-audit asks a vulnerability database on the network (PyPI's JSON API for each release, or
# OSV with PIP_AUDIT_SERVICE=osv). When it answers for none of the dependencies (this workplace
# reaches PyPI's project records, /pypi/NAME/json, but not the release records
# pip-audit asks for, nor OSV: docs/SECURITY.md), scripts/audit_latest.py audits from the project
# records instead: their vulnerabilities are those of the latest release, so it audits each
# dependency installed at its latest release and lists the others as not audited. Only when
# neither answers is nothing audited: the script says BLOCKED, never "no known vulnerabilities",
# and exits 0, unless PIP_AUDIT_REQUIRED=1 (a CI with the network), where BLOCKED, or any
# dependency left unaudited, fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
SERVICE=${PIP_AUDIT_SERVICE:-pypi}
REQUIRED=${PIP_AUDIT_REQUIRED:-0}
status=0
report=$(mktemp)
trap 'rm -f "$report"' EXIT

echo "== pip-audit ($SERVICE): the installed dependencies (the project itself skipped)"
"$BIN/pip-audit" --skip-editable --progress-spinner off --vulnerability-service "$SERVICE" \
  --format json --output "$report" >/dev/null 2>"$report.err"
audit_rc=$?
verdict=$("$BIN/python" - "$report" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("BLOCKED 0 0 0")
    raise SystemExit
deps = data.get("dependencies", [])
skipped = [d for d in deps if d.get("skip_reason")]
vulnerable = [d for d in deps if d.get("vulns")]
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
        print(f"# {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})", file=sys.stderr)
audited = len(deps) - len(skipped)
state = "VULNERABLE" if vulnerable else ("BLOCKED" if audited == 0 else "OK")
print(state, len(deps), audited, len(vulnerable))
PY
)
read -r state total audited vulnerable <<<"$verdict"
case "$state" in
  OK)
    echo "pip-audit: $audited of $total dependencies audited, no known vulnerability"
    [ "$audited" -lt "$total" ] && echo "  ($((total - audited)) not found in the database: not audited)"
    ;;
  VULNERABLE)
    echo "pip-audit: $vulnerable of $total dependencies have known vulnerabilities (above)"
    status=1
    ;;
  *)
    if [ "$total" -eq 0 ]; then
      echo "pip-audit: the vulnerability database ($SERVICE) could not be reached:"
    else
      echo "pip-audit: the vulnerability database ($SERVICE) answered for none of the $total"
      echo "  dependencies (no release record reachable, or a package mirror without its API):"
    fi
    grep -v "No known vulnerabilities" "$report.err" 2>/dev/null | tail -n 2 | sed 's/^/  /'
    echo "== PyPI's project records instead (scripts/audit_latest.py)"
    required=(); [ "$REQUIRED" = 1 ] && required=(--required)
    "$BIN/python" scripts/audit_latest.py --skip pantau-pakta "${required[@]}"
    case $? in
      0) ;;
      2)
        echo "BLOCKED: PyPI's project records could not be reached either."
        echo "  NOTHING WAS AUDITED (this is not a pass)."
        if [ "$REQUIRED" = 1 ]; then status=1; else echo "  (PIP_AUDIT_REQUIRED=1 makes this fail)"; fi
        ;;
      *) status=1 ;;
    esac
    ;;
esac
[ "$audit_rc" -ne 0 ] && [ "$state" = OK ] && status=1
rm -f "$report.err"

echo "== bandit: tracker/ (fails on high severity; the others listed for review)"
"$BIN/bandit" -r tracker -q --exit-zero -f custom \
  --msg-template '  {relpath}:{line} {test_id} {severity}/{confidence} {msg}'
if ! "$BIN/bandit" -r tracker -q --severity-level high >/dev/null; then
  echo "bandit: high-severity findings (above, severity HIGH)"
  status=1
else
  echo "bandit: no high-severity finding"
fi
exit $status
