"""The layout stays readable: no import cycle between the project's modules, and importing a
module does no work beyond what Dagster requires (no database, no dbt run, no file written)."""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "dagster_project"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Project modules imported anywhere in the file (module level or inside a function)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    files = list(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {_module_name(f): _imports(f, modules) for f in files}
    # importing a.b.c runs a/__init__.py and a/b/__init__.py first: packages are not edges
    # back to their children, so drop parent-package edges that only reflect that.
    return {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()))


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_importing_the_definitions_writes_nothing_but_the_dbt_manifest(tmp_path, monkeypatch):
    """Loading the code location must not open or create a warehouse (Dagster loads it often)."""
    import subprocess
    import sys

    env = {
        "AUTONOMY_WAREHOUSE": str(tmp_path / "warehouse" / "autonomy.duckdb"),
        "AUTONOMY_REPORTS_DIR": str(tmp_path / "reports"),
    }
    subprocess.run(
        [sys.executable, "-c", "import dagster_project.definitions, dagster_project.cli"],
        check=True, env={**__import__("os").environ, **env}, cwd=PROJECT,
    )  # fmt: skip
    assert not (tmp_path / "warehouse").exists() and not (tmp_path / "reports").exists()
