"""Print what `make mutation` found: each survivor with its diff, then the score per module.

Run by scripts/mutation.sh inside mutmut's working copy (.cache/mutation/). A mutant is caught
when a test failed on it (or it hung past mutmut's timeout); it survives when every test passed
or no test reached it. A survivor that docs/mutation.md lists (its name in backquotes) as
equivalent -- no user could tell it from the real code -- leaves the count. Exit 1 when a module
scores under 90 % of the rest.

Usage: python scripts/mutation_report.py DOCS_MUTATION_MD SECONDS
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

MINIMUM = 90.0
CAUGHT = {"killed", "timeout", "caught by type check", "segfault"}
SURVIVED = {"survived", "no tests", "suspicious"}
MUTMUT = str(Path(sys.executable).with_name("mutmut"))


def module_of(name: str) -> str:
    """tracker.pacts.rules.x_pact_status__mutmut_6 -> tracker/pacts/rules.py"""
    function = name.rsplit("__mutmut_", 1)[0]
    module = re.sub(r"\.(x_|xǁ)[^.]*$", "", function)
    return module.replace(".", "/") + ".py"


def mutant_diff(name: str) -> str:
    """The mutant's diff, as `mutmut show` prints it (in-process: one show costs a second)."""
    try:
        from mutmut.mutation.diff_apply import get_diff_for_mutant

        return str(get_diff_for_mutant(name))
    except Exception:  # another mutmut version: ask its command line instead
        shown = subprocess.run([MUTMUT, "show", name], capture_output=True, text=True)  # noqa: S603
        return shown.stdout


def main() -> int:
    listed_path, seconds = Path(sys.argv[1]), int(sys.argv[2])
    listed = set(re.findall(r"`([\w.ǁ]+__mutmut_\d+)`", listed_path.read_text(encoding="utf-8")))
    out = subprocess.run(  # noqa: S603 - mutmut of this virtualenv, fixed arguments
        [MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    results = {
        name.strip(): status.strip()
        for name, _, status in (line.rpartition(": ") for line in out.splitlines())
        if name.strip()
    }
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    unlisted: list[tuple[str, str]] = []
    for name, status in sorted(results.items()):
        tally = counts[module_of(name)]
        tally["total"] += 1
        if status in CAUGHT:
            tally["killed"] += 1
        elif status == "skipped":
            tally["skipped"] += 1
        elif name in listed:
            tally["equivalent"] += 1
        elif status in SURVIVED:
            tally["survived"] += 1
            unlisted.append((name, status))
        else:
            tally["other"] += 1
            unlisted.append((name, status))

    for name, status in unlisted:
        diff = mutant_diff(name)
        changed = [
            line
            for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        print(f"\nSURVIVED ({status}): {name}")
        print("\n".join("    " + line for line in changed))

    header = f"{'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>9} {'score':>7}"
    print(f"\n{'module':40} {header}")
    failing = []
    for module, tally in sorted(counts.items()):
        judged = tally["total"] - tally["equivalent"] - tally["skipped"]
        score = 100.0 * tally["killed"] / judged if judged else 100.0
        if score < MINIMUM:
            failing.append(module)
        print(
            f"{module:40} {tally['total']:8} {tally['killed']:7} {tally['equivalent']:7}"
            f" {tally['survived'] + tally['other']:9} {score:6.1f}%"
        )
    stale = sorted(listed - set(results))
    if stale:
        print(f"\n{len(stale)} mutant(s) listed in {listed_path.name} are gone (renumbered?):")
        print("\n".join("    " + name for name in stale))
    print(f"\n{len(unlisted)} surviving mutant(s) not listed as equivalent; {seconds} s")
    if failing:
        print(f"FAILED: under {MINIMUM:.0f} %: {', '.join(failing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
