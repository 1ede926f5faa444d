"""The meetings views stay thin: they never commit (the write operations in ``meetings.service`` do),
look rows up only through ``owned_or_404`` (or the team), and no view grows past 25 lines."""
from __future__ import annotations

import ast
import inspect

import netzwerktreffen.meetings.views as views

MAX_VIEW_LINES = 25


def routes(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "route"
        for d in node.decorator_list)]


def test_views_do_not_commit_or_look_rows_up_by_hand():
    source = inspect.getsource(views)
    assert "db.session.commit" not in source
    assert "db.session.get(" not in source and "MAX_ID" not in source


def test_no_view_is_longer_than_25_lines():
    tree = ast.parse(inspect.getsource(views))
    found = routes(tree)
    assert len(found) >= 29  # every route of the blueprint, not an empty list
    too_long = {node.name: node.end_lineno - node.decorator_list[0].lineno + 1 for node in found}
    assert {name: n for name, n in too_long.items() if n > MAX_VIEW_LINES} == {}
