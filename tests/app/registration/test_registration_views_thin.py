"""The registration views stay thin: they never commit or roll back (the write operations in
``registration.service`` and ``registration.importing`` do), look rows up only through ``owned_or_404``
(or the personal token), and no view grows past 25 lines."""
from __future__ import annotations

import ast
import inspect

import pytest

import netzwerktreffen.registration.public_views as public_views
import netzwerktreffen.registration.views as views

MAX_VIEW_LINES = 25
MODULES = {  # module: how many routes it has at least (so that an empty list cannot pass)
    views: 9,
    public_views: 9,
}


def routes(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "route"
        for d in node.decorator_list)]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_views_do_not_write_or_look_rows_up_by_hand(module):
    source = inspect.getsource(module)
    assert "db.session.commit" not in source and "db.session.rollback" not in source
    assert "db.session.get(" not in source and "MAX_ID" not in source and "lock_meeting" not in source


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_no_view_is_longer_than_25_lines(module):
    found = routes(ast.parse(inspect.getsource(module)))
    assert len(found) >= MODULES[module]
    lengths = {node.name: node.end_lineno - node.decorator_list[0].lineno + 1 for node in found}
    assert {name: n for name, n in lengths.items() if n > MAX_VIEW_LINES} == {}
