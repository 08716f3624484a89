"""The layer contract of tracker/ (README, "Architecture"): imports point down, never in a circle.

Each module of ``tracker`` gets a layer from its place (the table below); a module may import
modules of its own layer or of a lower one, and the capabilities of one layer import each other
without a circle. Imports inside functions count like the others: a deferred import is still a
dependency.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tracker"

FOUNDATION, SCHEMA, IDENTITY, DOMAIN, FEATURE, DOOR, APP = range(7)
LAYER_NAMES = ["foundation", "schema", "identity", "domain", "feature", "door", "app"]

DOMAIN_CAPABILITIES = {
    "regencies",
    "agencies",
    "assessments",
    "commitments",
    "pacts",
    "findings",
    "workdays",
}
FEATURE_CAPABILITIES = {
    "notifications",
    "followers",
    "opendata",
    "portal",
    "dashboard",
    "accounts",
    "demo",
    # Backup and restore read and write every table.
    "backup",
}
# File roles that make a module a door: HTTP, forms, the command line, scheduled entry points.
DOOR_ROLES = {"views", "forms", "cli", "jobs", "blueprint", "scheduler"}

# (pattern on the dotted module name, layer), first match wins.
TABLE: list[tuple[str, int]] = [
    (r"tracker$", APP),
    (r"tracker\.(app|cli)$", APP),
    (r"tracker\.web\.step$", FOUNDATION),
    # The spreadsheet import machinery the capabilities' imports share.
    (r"tracker\.spreadsheets(\..+)?$", FOUNDATION),
    (r"tracker\.web(\..+)?$", DOOR),
    (r"tracker\.api(\..+)?$", DOOR),
    (r"tracker\.(models|labels)$", SCHEMA),
    (r"tracker\.[a-z0-9_]+\.(models|rules|catalogue)$", SCHEMA),
    (rf"tracker\.[a-z0-9_]+\.({'|'.join(sorted(DOOR_ROLES))})$", DOOR),
    (r"tracker\.[a-z0-9_]+\.[a-z0-9_]+_views$", DOOR),
    # Who may do what, and the record of who did what.
    (r"tracker\.(auth|audit)(\..+)?$", IDENTITY),
    (rf"tracker\.({'|'.join(sorted(DOMAIN_CAPABILITIES))})(\..+)?$", DOMAIN),
    (rf"tracker\.({'|'.join(sorted(FEATURE_CAPABILITIES))})(\..+)?$", FEATURE),
    (r"tracker\.[a-z0-9_]+$", FOUNDATION),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    for pattern, layer in TABLE:
        if re.match(pattern, module):
            return layer
    raise AssertionError(f"{module} has no layer in the table")


def capability_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Return the tracker modules that ``path`` imports (the longest known module named)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from tracker import labels`` imports the module tracker.labels, not the package.
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in modules
                else node.module
                for alias in node.names
            ]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name.startswith("tracker"):
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in ROOT.rglob("*.py")}
    modules = set(paths)
    return {m: imports_of(p, modules) - {m} for m, p in paths.items()}


GRAPH = _graph()


def test_every_module_has_a_layer() -> None:
    for module in GRAPH:
        layer_of(module)


def test_imports_point_down_the_layers() -> None:
    upward = sorted(
        f"{m} ({LAYER_NAMES[layer_of(m)]}) imports {target} ({LAYER_NAMES[layer_of(target)]})"
        for m, targets in GRAPH.items()
        for target in targets
        # A package's __init__ may re-export its own modules.
        if layer_of(target) > layer_of(m) and not target.startswith(m + ".")
    )
    assert upward == []


def _capability_cycles() -> list[list[str]]:
    """Return the circles between capability packages, through modules below the doors."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        source = capability_of(module)
        if source is None or layer_of(module) in (SCHEMA, DOOR, APP):
            continue
        for target in targets:
            cap = capability_of(target)
            if cap is not None and cap != source and layer_of(target) not in (SCHEMA, DOOR):
                edges[source].add(cap)
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt == path[0]:
                cycles.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:
                visit(nxt, [*path, nxt])

    for start in sorted(edges):
        visit(start, [start])
    return cycles


def test_capabilities_import_each_other_without_a_circle() -> None:
    assert [" → ".join(c) for c in _capability_cycles()] == []


def test_the_identity_foundation_imports_no_feature() -> None:
    leaks = sorted(
        f"{m} imports {t}"
        for m, targets in GRAPH.items()
        # The login pages (auth.views, auth.forms) are a door of their own, above the layers.
        if m.startswith("tracker.auth") and layer_of(m) == IDENTITY
        for t in targets
        if layer_of(t) not in (FOUNDATION, SCHEMA, IDENTITY)
    )
    assert leaks == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        pytest.param("tracker.clock", FOUNDATION, id="clock-is-foundation"),
        pytest.param("tracker.web.step", FOUNDATION, id="unit-of-work-is-foundation"),
        pytest.param("tracker.pacts.rules", SCHEMA, id="rules-are-schema"),
        pytest.param("tracker.auth.policy", IDENTITY, id="policy-is-identity"),
        pytest.param("tracker.audit.services", IDENTITY, id="audit-trail-is-identity"),
        pytest.param("tracker.regencies.settings_views", DOOR, id="named-views-are-doors"),
        pytest.param("tracker.pacts.services", DOMAIN, id="pact-services-are-domain"),
        pytest.param("tracker.notifications.sweep", FEATURE, id="sweep-is-feature"),
        pytest.param("tracker.pacts.views", DOOR, id="views-are-doors"),
        pytest.param("tracker.api.write", DOOR, id="api-is-a-door"),
        pytest.param("tracker.app", APP, id="factory-on-top"),
    ],
)
def test_the_table_places_modules_where_the_readme_says(module: str, layer: int) -> None:
    assert layer_of(module) == layer
