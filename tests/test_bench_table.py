"""`python -m bench` prints one table: rows of every section in the same columns, None as "-",
a section whose module is not there (yet) as one "(not present)" line, a failing one as an error line."""
from __future__ import annotations

import textwrap

import pytest

from bench import __main__ as bench_main

ROWS = [
    {"case": "café n=120 R=3", "n": 120, "rounds": 3, "score": 1234.56, "bound": 1300.0, "gap": 5.0338,
     "seconds": 12.345, "mb": 181.7, "note": "old bound 1702.0"},
    {"case": "sgp 8-4-10", "n": 32, "rounds": 10, "score": None, "bound": None, "gap": None,
     "seconds": None, "mb": None, "note": "3 excess repeats"},
    {"case": "odd n=101"},  # every other key missing
]


def test_rows_line_up_under_the_header_with_plain_numbers_and_dashes_for_none():
    head, rule = bench_main.header()
    assert head.split() == ["case", "n", "R", "score", "bound", "gap", "%", "sec", "MB", "note"]
    assert set(rule) == {"-"}
    full, empty, bare = (bench_main.format_row(r) for r in ROWS)
    assert full.split()[-12:] == ["n=120", "R=3", "120", "3", "1234.6", "1300.0", "5.03", "12.3", "182",
                                  "old", "bound", "1702.0"]
    assert empty.split() == ["sgp", "8-4-10", "32", "10", "-", "-", "-", "-", "-", "3", "excess", "repeats"]
    assert bare.split() == ["odd", "n=101"] + ["-"] * 7
    # the columns line up: each number ends where its header does
    for name in ("score", "bound", "sec", "MB"):
        end = head.index(name) + len(name)
        assert full[end - 1] != " " and full[end] == " "
        assert empty[end - 1] == "-"


def test_gap_percent_is_the_specs_gap():
    assert bench_main.gap_percent(95.0, 100.0) == pytest.approx(5.0)
    assert bench_main.gap_percent(95.0, None) is None and bench_main.gap_percent(None, 100.0) is None


@pytest.fixture
def fake_sections(tmp_path, monkeypatch):
    """A package `fakebench` with a module that returns rows (and takes `only`) and one that fails."""
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "good.py").write_text(textwrap.dedent("""
        CALLS = []

        def rows(quick=False, only=None):
            CALLS.append((quick, only))
            return [{"case": "good one", "n": 1, "rounds": 1, "score": 1.0, "bound": 2.0, "gap": 50.0,
                     "seconds": 0.1, "mb": 10.0, "note": "quick" if quick else "full"},
                    {"case": "other", "n": 2, "rounds": 1, "score": None, "bound": None, "gap": None,
                     "seconds": None, "mb": None, "note": ""}]
    """))
    (package / "broken.py").write_text("def rows(quick=False):\n    raise RuntimeError('no solver')\n")
    (package / "needs_missing.py").write_text("import surely_not_installed_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "fakebench"


def test_one_table_with_every_section_and_a_line_for_each_missing_or_failing_one(fake_sections):
    lines = []
    bench_main.print_table(["good", "missing", "broken", "needs_missing"], quick=True, only=None, time_limit=1,
                           baseline=False, write=lines.append, package=fake_sections)
    assert lines[:2] == bench_main.header()
    assert lines[2].startswith("[good] 2 rows")
    assert lines[3].startswith("good one") and lines[3].endswith("quick")
    assert lines[4].split()[:2] == ["other", "2"]
    assert lines[5] == "[missing] (not present)"
    assert lines[6] == "[broken] (error: RuntimeError: no solver)"
    assert lines[7].startswith("[needs_missing] (import failed: ModuleNotFoundError")
    assert len(lines) == 8


def test_only_is_passed_on_and_applied(fake_sections):
    import fakebench.good as good

    message, rows = bench_main.module_rows("good", quick=False, only="good", package=fake_sections)
    assert message is None and [r["case"] for r in rows] == ["good one"]
    assert good.CALLS[-1] == (False, "good")


def test_a_section_of_the_issue_that_is_not_written_yet_is_listed_as_not_present():
    assert bench_main.module_rows("surely_not_a_bench_section", quick=True, only=None) == ("(not present)", [])
