"""Package boundaries: the catalog engine never depends on the Telegram side."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_catalog_never_imports_bot():
    for path in (ROOT / "catalog").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "bot" or n.startswith("bot.") for n in names), f"{path} imports {names}"
