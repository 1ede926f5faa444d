"""The house rules that import-linter cannot see (it checks the direction of imports in `make test`):
views stay thin, rows are looked up in one way, and no module grows past what a newcomer can read."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import netzwerktreffen

PACKAGE = Path(netzwerktreffen.__file__).parent
MAX_VIEW_LINES = 25
MAX_MODULE_LINES = 600
VIEW_MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name == "views.py" or p.name.endswith("_views.py"))
# what views leave to services (writes) and to owned_or_404 / participant_or_404 (rows by id or token)
# (an error handler may roll back what failed; a view may not)
NOT_IN_VIEWS = ("db.session.commit", "db.session.add(", "db.session.delete(", "db.session.get(", "MAX_ID",
                "lock_meeting")


def name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def routes(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "route"
        for d in node.decorator_list)]


def test_the_app_has_its_view_modules():
    found = {name(p) for p in VIEW_MODULES}
    for feature in ("meetings", "registration", "planning", "mail", "day", "afterwards"):
        assert f"netzwerktreffen/{feature}/views.py" in found
    assert sum(len(routes(ast.parse(p.read_text()))) for p in VIEW_MODULES) >= 80


@pytest.mark.parametrize("path", VIEW_MODULES, ids=name)
def test_views_leave_writes_and_lookups_to_others(path):
    source = path.read_text()
    assert [word for word in NOT_IN_VIEWS if word in source] == []
    rolling_back = [node.name for node in routes(ast.parse(source)) if "rollback" in ast.unparse(node)]
    assert rolling_back == []


@pytest.mark.parametrize("path", VIEW_MODULES, ids=name)
def test_no_view_is_longer_than_25_lines(path):
    found = routes(ast.parse(path.read_text()))
    lengths = {node.name: node.end_lineno - node.decorator_list[0].lineno + 1 for node in found}
    assert {view: n for view, n in lengths.items() if n > MAX_VIEW_LINES} == {}


@pytest.mark.parametrize("package", ["netzwerktreffen", "scheduler"])
def test_no_module_is_longer_than_600_lines(package):
    root = PACKAGE.parent / package
    lengths = {name(p): len(p.read_text().splitlines()) for p in root.rglob("*.py")}
    assert len(lengths) > 20
    assert {module: n for module, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def test_templates_and_static_files_are_inside_the_package():
    assert (PACKAGE / "templates" / "base.html").is_file()
    assert (PACKAGE / "static" / "projector.js").is_file()
    assert not (PACKAGE.parent / "templates").exists()
