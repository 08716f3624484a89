#!/usr/bin/env bash
# make mutation: mutation testing of the rule modules ([tool.mutmut] in pyproject.toml says which,
# with which tests, and why mutmut). mutmut works in a copy of the checkout under .cache/mutation/
# (ignored by git), so neither the mutants nor mutmut's cache ever land in the tree. Every run
# starts afresh: a verdict cached from older tests would be a verdict about other code.
#
# Prints every surviving mutant with its diff, then the score per module; fails when a module
# scores under 90 % (survivors docs/mutation.md lists as equivalent left out of the count). On
# success it records the modules' SHA-256 in .ci/mutation.sha256: .ci/run runs this again only
# when a module no longer matches (commit that file with the change that made it pass).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=.cache/mutation
python=$root/.venv/bin/python
children=${MUTATION_CHILDREN:-$(nproc)}
# The rules read the regency's zone, never the process's: run the tests in a zone far west of
# Indonesia (not UTC either), so a mutant that slips the process's zone in (astimezone(None),
# _local_today(now, None)) changes the day or the offset the tests see.
export TZ=America/Sao_Paulo

mapfile -t modules < <("$python" -c '
import tomllib
for path in tomllib.load(open("pyproject.toml", "rb"))["tool"]["mutmut"]["only_mutate"]:
    print(path)')

rm -rf "$work"
mkdir -p "$work"
# The working tree as it is (tracked and new files, not what git ignores), compiled catalogues too.
# (tar, not rsync: tar is on every machine; a file deleted but not yet staged is skipped.)
{ git ls-files -z --cached --others --exclude-standard
  find tracker/translations -name '*.mo' -print0 2>/dev/null || true
} | while IFS= read -r -d '' file; do [ -f "$file" ] && printf '%s\0' "$file"; done \
  | tar --null --files-from=- -cf - | tar -xf - -C "$work"

cd "$work"
start=$(date +%s)
echo "mutmut: ${#modules[@]} modules, $children workers, in $work (log: $work/mutmut-run.log)"
status=0
"$root/.venv/bin/mutmut" run --max-children "$children" >mutmut-run.log 2>&1 || status=$?
tr '\r' '\n' <mutmut-run.log | grep -E 'mutations/second|done in' | tail -n 3 || true
if [ "$status" -ne 0 ]; then
  tr '\r' '\n' <mutmut-run.log | tail -n 60 >&2
  echo "FATAL: mutmut run failed (exit $status); its log is $work/mutmut-run.log" >&2
  exit "$status"
fi
"$python" "$root/scripts/mutation_report.py" "$root/docs/mutation.md" "$(( $(date +%s) - start ))"

cd "$root"
sha256sum "${modules[@]}" >.ci/mutation.sha256
echo "Recorded the modules' SHA-256 in .ci/mutation.sha256 (commit it)."
