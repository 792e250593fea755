"""The package's layers import only what their docstrings allow.

Every module under ``src/trialrecon`` is parsed (not imported) and each ``import`` of a
``trialrecon`` module, at any depth of the code, is checked against the rules below, which
the subpackages' docstrings state in words. Notebooks, tests and workflow scripts are
consumers and may import anything. Check families live in ``checks/families`` (each module
there defines a ``CHECK``, no module elsewhere does, and the catalog lists them all).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "trialrecon"
LAYERS = ("dossier", "stats", "checks", "report", "stages", "cli")
ALLOWED: dict[str, set[str]] = {
    "stats": {"stats"},
    "dossier": {"dossier", "stats"},
    "checks": {"checks", "dossier", "stats"},
    "report": {"report", "checks", "dossier", "stats"},
    "stages": {"stages", "report", "checks", "dossier", "stats"},
    "cli": set(LAYERS),
}
MAX_LINES = 600


def _layer(module: str) -> str | None:
    """``trialrecon.checks.families.percentages`` -> ``checks``; the package root -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "trialrecon" else None


def _imports(path: Path, package: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every trialrecon import in a file, relative imports resolved.

    ``package`` is the file's package (default: from its place under ``src/trialrecon``).
    """
    if package is None:
        package = ".".join(("trialrecon", *path.relative_to(SRC).with_suffix("").parts[:-1]))
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] if base == "trialrecon" else [base]
            out += [(node.lineno, n) for n in names]
    return [(line, m) for line, m in out if m == "trialrecon" or m.startswith("trialrecon.")]


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    stray = [p.relative_to(SRC).as_posix() for p in _modules()
             if len(p.relative_to(SRC).parts) == 1 and p.name != "__init__.py"]
    assert stray == [], "modules outside the layer subpackages"


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_follow_the_rules(layer: str):
    broken = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for line, module in _imports(path):
            target = _layer(module)
            if module == "trialrecon.__version__" or module == "trialrecon":
                continue  # the version string lives at the root
            if target not in ALLOWED[layer]:
                broken.append(f"{path.relative_to(SRC)}:{line} imports {module}")
    assert broken == []


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_docstring_says_what_it_may_import(layer: str):
    doc = importlib.import_module(f"trialrecon.{layer}").__doc__ or ""
    assert "May import" in doc, f"trialrecon.{layer} does not say what it may import"


def test_the_rules_would_catch_a_violation(tmp_path):
    """The parser sees a late, relative import reaching up from statistics into stages."""
    fake = tmp_path / "probe.py"
    fake.write_text("def f():\n    from ..stages import km\n    from trialrecon import checks\n"
                    "    return km, checks\n", encoding="utf-8")
    found = _imports(fake, package="trialrecon.stats")
    assert (2, "trialrecon.stages") in found and (3, "trialrecon.checks") in found
    assert {_layer(m) for _, m in found} - ALLOWED["stats"] == {"stages", "checks"}


def _defines_check(path: Path) -> bool:
    """Whether a module assigns ``CHECK`` at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    targets = [t for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]
    return any(isinstance(t, ast.Name) and t.id == "CHECK" for t in targets)


def test_check_families_live_in_their_own_package():
    """Every module of ``checks/families`` defines a ``CHECK``, and no module elsewhere does."""
    families = SRC / "checks" / "families"
    modules = [p for p in sorted(families.glob("*.py")) if p.name != "__init__.py"]
    assert modules, "no check family found"
    assert [p.name for p in modules if not _defines_check(p)] == []
    outside = [p.relative_to(SRC).as_posix() for p in _modules()
               if families not in p.parents and _defines_check(p)]
    assert outside == []


def test_the_catalog_lists_every_family():
    from trialrecon.checks import CHECKS

    families = sorted((SRC / "checks" / "families").glob("*.py"))
    defined = [importlib.import_module(f"trialrecon.checks.families.{p.stem}").CHECK
               for p in families if p.name != "__init__.py"]
    assert sorted(c.id for c in CHECKS) == sorted(c.id for c in defined)
    assert all(any(c is d for c in CHECKS) for d in defined)


def test_the_family_rule_would_catch_a_stray_check(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("from x import Check\n\nCHECK: Check = Check()\n", encoding="utf-8")
    helper = tmp_path / "helper.py"
    helper.write_text("CHECKS = ()\n\ndef f():\n    CHECK = 1\n    return CHECK\n",
                      encoding="utf-8")
    assert _defines_check(stray) and not _defines_check(helper)


def test_no_long_module_without_a_reason():
    """Modules over MAX_LINES lines say why at the top (a line starting 'Long:')."""
    long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and "\nLong: " not in text[:3000]:
            long.append(f"{path.relative_to(SRC)} ({text.count(chr(10))} lines)")
    assert long == []
