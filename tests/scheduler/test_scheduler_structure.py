"""The scheduler's shape: imports run one way, the library stays apart from the
web app, and no module grows past a size one can read.

The import graph includes imports inside functions: they run too, only later.
"""

from __future__ import annotations

from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

import scheduler  # noqa: E402

ROOT = Path(scheduler.__file__).parent
MAX_LINES = 600
WEB = ("flask", "sqlalchemy", "werkzeug", "wtforms", "netzwerktreffen")
KINDS = ("scheduler.pairs", "scheduler.groups", "scheduler.cafe")
ABOVE_THE_KINDS = ("scheduler.solve", "scheduler.cli", "scheduler.__main__", "scheduler.explain")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("scheduler", include_external_packages=True)


def own(graph) -> list[str]:
    return sorted(m for m in graph.modules if m == "scheduler" or m.startswith("scheduler."))


def import_lines(graph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return "; ".join(f"{d['importer']}:{d['line_number']} {d['line_contents']}" for d in details)


def cycles(graph) -> list[list[str]]:
    """The strongly connected components with more than one module (or a module importing itself)."""
    modules = own(graph)
    edges = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(m: str) -> None:  # Tarjan's algorithm
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in edges[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1 or m in edges[m]:
                found.append(sorted(component))

    for m in modules:
        if m not in index:
            visit(m)
    return found


def test_the_scheduler_has_no_import_circle(graph):
    found = cycles(graph)
    described = []
    for component in found:
        inside = set(component)
        lines = [import_lines(graph, a, b) for a in component
                 for b in sorted(graph.find_modules_directly_imported_by(a)) if b in inside]
        described.append(" <-> ".join(component) + ":\n    " + "\n    ".join(lines))
    assert not found, "import circles in scheduler/:\n" + "\n".join(described)


def test_the_scheduler_imports_nothing_of_the_web_app(graph):
    bad = [(m, i) for m in own(graph) for i in sorted(graph.find_modules_directly_imported_by(m))
           if i.split(".")[0].startswith(WEB)]
    assert not bad, "\n".join(import_lines(graph, m, i) for m, i in bad)


def test_each_block_kind_stands_alone(graph):
    """A kind's package imports no other kind and nothing above the kinds (the dispatcher, the CLI, the notes)."""
    bad = []
    for m in own(graph):
        kind = next((k for k in KINDS if m == k or m.startswith(k + ".")), None)
        if kind is None:
            continue
        for i in sorted(graph.find_modules_directly_imported_by(m)):
            other_kind = any(i == k or i.startswith(k + ".") for k in KINDS if k != kind)
            if other_kind or i in ABOVE_THE_KINDS or i == "scheduler":
                bad.append(import_lines(graph, m, i))
    assert not bad, "\n".join(bad)


def test_no_module_is_longer_than_it_can_be_read(graph):
    long = {str(path.relative_to(ROOT.parent)): n for path in sorted(ROOT.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_circle_test_sees_a_circle():
    """The cycle finder itself: a circle of three and a module importing itself are found, a chain is not."""
    fake = grimp.ImportGraph()
    for m in ("scheduler", "scheduler.a", "scheduler.b", "scheduler.c", "scheduler.d"):
        fake.add_module(m)
    fake.add_import(importer="scheduler.a", imported="scheduler.b")
    fake.add_import(importer="scheduler.b", imported="scheduler.c")
    assert cycles(fake) == []
    fake.add_import(importer="scheduler.c", imported="scheduler.a")
    fake.add_import(importer="scheduler.d", imported="scheduler.d")
    assert cycles(fake) == [["scheduler.a", "scheduler.b", "scheduler.c"], ["scheduler.d"]]
