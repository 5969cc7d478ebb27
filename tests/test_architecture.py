"""The shape of the code: no import cycle, and every rule code fully served.

The import graph counts every import statement, at module level or inside a
function (a lazy import is still a dependency), but not those only for type
checkers (under ``if TYPE_CHECKING:``).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from hygiene.cli import main
from hygiene.detectors import default_detectors
from hygiene.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hygiene"
FIXTURES = ROOT / "fixtures"
ARTICLE_FIXTURES = ("corpus", "neardup", "offtopic")  # articles, not training lists


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative: from the package of this module
                    package = name.split(".")[: -node.level or None]
                    if path.name == "__init__.py":
                        package = name.split(".")[: len(name.split(".")) - node.level + 1]
                    base = ".".join([*package, *([base] if base else [])])
                # "from pkg import module" depends on the submodule, else on pkg
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert "hygiene.batch.job" in graph and graph["hygiene.cli"]  # the walk found the code
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_command_line_stays_thin() -> None:
    assert len((PACKAGE / "cli.py").read_text(encoding="utf-8").splitlines()) < 150


def _emitted_codes() -> set[str]:
    """Rule codes some detector or corpus decision can emit."""
    codes = {code for d in default_detectors("onnx") for code in d.codes}
    corpus = (PACKAGE / "corpus" / "decisions.py").read_text(encoding="utf-8")
    return codes | set(re.findall(r'"(HY3\d\d|HY109)"', corpus))


@pytest.fixture(scope="module")
def fixture_codes() -> set[str]:
    """The rule codes found on the project's fixtures, run as a user would."""
    folders = [str(FIXTURES / name) for name in ARTICLE_FIXTURES]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        import io
        from contextlib import redirect_stdout

        out = io.StringIO()
        with redirect_stdout(out):
            main(["report", "--format", "json", "--glob", "*.txt", "--glob", "*.md", *folders])
    report = json.loads(out.getvalue())
    return {f["code"] for entry in report["files"] for f in entry["findings"]}


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_emitted_explained_and_exercised(
    code: str, fixture_codes: set[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert code in _emitted_codes(), f"no detector emits {code}"
    rule = RULES[code]
    assert rule.summary and len(rule.explanation) > 80, f"{code} is not explained"
    assert main(["rule", code]) == 0 and rule.explanation in capsys.readouterr().out
    assert code in fixture_codes, f"no fixture under fixtures/ exhibits {code}"
