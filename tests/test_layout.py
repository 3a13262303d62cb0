"""Package boundaries: every import follows the rules table of docs/architecture.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.support import ROOT

PACKAGES = ("catalog", "bot")


def rules() -> dict[str, list[str]]:
    """package → what it may import, read from the table between the markers in the doc."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc.split("<!-- import rules: start -->")[1].split("<!-- import rules: end -->")[0]
    out: dict[str, list[str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            out[cells[0].strip("`")] = re.findall(r"`([^`]+)`", cells[1])
    return out


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[str]:
    """Every module an import statement names, wherever it is (functions included)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def owner(module: str, table: dict[str, list[str]]) -> str | None:
    """The most specific package of the table that ``module`` belongs to."""
    best = None
    for package in table:
        if (module == package or module.startswith(package + ".")) and (best is None or len(package) > len(best)):
            best = package
    return best


def allowed(target: str, source_package: str, table: dict[str, list[str]]) -> bool:
    if target == source_package or target.startswith(source_package + "."):
        return True
    for rule in table[source_package]:
        prefix = rule.removesuffix(".*")
        if target == prefix or target.startswith(prefix + "."):
            return True
    return False


def test_every_import_follows_the_rules() -> None:
    table = rules()
    assert len(table) > 15, "the rules table of docs/architecture.md was not found"
    problems = []
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts and path.name == "env.py":
                continue  # an Alembic environment may import every model
            if "migrations" in path.parts and "versions" in path.parts:
                continue  # revisions import only alembic and sqlalchemy
            module = module_name(path)
            package = owner(module, table)
            if package is None:
                problems.append(f"{module}: no row in the rules table of docs/architecture.md")
                continue
            for target in imports(path):
                if target.split(".")[0] in (*PACKAGES, "telegram") and not allowed(target, package, table):
                    problems.append(f"{module} imports {target}, which {package} may not import")
    assert not problems, "\n".join(problems)


def test_catalog_never_imports_bot() -> None:
    for path in (ROOT / "catalog").rglob("*.py"):
        assert not any(n == "bot" or n.startswith("bot.") for n in imports(path)), path


def test_only_the_telegram_side_imports_python_telegram_bot() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        module = module_name(path)
        if module.startswith(("bot.telegram", "bot.demo", "bot.cli")):
            continue
        assert not any(n == "telegram" or n.startswith("telegram.") for n in imports(path)), module


def test_flows_do_not_import_each_other_in_a_cycle() -> None:
    flows = {p.stem: p for p in (ROOT / "bot" / "dialogue" / "flows").glob("*.py") if p.stem != "__init__"}
    graph = {name: {n.rsplit(".", 1)[1] for n in imports(path) if n.startswith("bot.dialogue.flows.")}
             for name, path in flows.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph.get(start, ()))

    assert not [name for name in graph if reaches(name, name, set())]
