"""Given and family names (netzwerktreffen.core.names) and the migration that split existing names."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa

from netzwerktreffen.core.names import display_name, fold, listed_name, sort_key, split_name


@pytest.mark.parametrize("written, given, family", [
    ("Anna Weber", "Anna", "Weber"),
    ("  Hans \t  Müller-Lüdenscheidt\u00a0", "Hans", "Müller-Lüdenscheidt"),  # tabs, runs, no-break space
    ("Anna Maria Weber", "Anna Maria", "Weber"),
    ("Anna von Berg", "Anna", "von Berg"),
    ("Ludwig van der Rohe", "Ludwig", "van der Rohe"),
    ("Maria de la Cruz", "Maria", "de la Cruz"),
    ("Ahmad bin Salman", "Ahmad", "bin Salman"),
    ("Jan de Vries", "Jan", "de Vries"),
    ("de Vries", "", "de Vries"),  # a family name alone, particle and all
    ("Madonna", "", "Madonna"),  # one name: the family name, so that the list finds her under M
    ("Van Dyke", "Van", "Dyke"),  # capitalised: a given name, not a particle
    ("Berg, Anna", "Anna", "Berg"),  # family name first, as lists and Excel files often have it
    ("von Berg, Anna Maria", "Anna Maria", "von Berg"),
    ("Weber,", "", "Weber"),
    ("Mu\u0308ller Jo\u0308rg", "Müller", "Jörg"),  # decomposed umlauts (macOS) become one character
    ("", "", ""),
    ("   ", "", ""),
])
def test_split_name(written, given, family):
    assert split_name(written) == (given, family)


def test_display_and_listed_name():
    assert display_name(" Anna ", "von  Berg") == "Anna von Berg"
    assert display_name("", "Madonna") == "Madonna"
    assert listed_name("von Berg", "Anna") == "von Berg, Anna"
    assert listed_name("Madonna", "") == "Madonna"


def test_sort_key_follows_german_lists():
    """DIN 5007-1: umlauts as their base letter, ß as ss, case ignored; particles do not count, so
    "von Berg" is found under B; the given name decides between equal family names."""
    people = [("Özdemir", "Ayşe"), ("Ozan", "Ozan"), ("Paul", "Jean"), ("Oberle", "Max"), ("von Berg", "Anna"),
              ("Bergmann", "Eva"), ("Ärmel", "Ludwig"), ("Adler", "Zoe"), ("Weiß", "Tom"), ("Weiss", "Ute"),
              ("Weber", "anna"), ("Weber", "Bernd"), ("Øster-Müller", "Björn"), ("Çelik", "Can")]
    ordered = sorted(people, key=lambda p: sort_key(*p))
    assert ordered == [("Adler", "Zoe"), ("Ärmel", "Ludwig"), ("von Berg", "Anna"), ("Bergmann", "Eva"),
                       ("Çelik", "Can"), ("Oberle", "Max"), ("Øster-Müller", "Björn"), ("Ozan", "Ozan"),
                       ("Özdemir", "Ayşe"), ("Paul", "Jean"), ("Weber", "anna"), ("Weber", "Bernd"),
                       ("Weiß", "Tom"), ("Weiss", "Ute")]
    assert fold("Straße ÄÖÜ ı Łódź") == "strasse aou i lodz"


# ---------------------------------------------------------------- the migration's data step

def migration():
    path = next(Path(__file__).resolve().parents[3].glob("migrations/versions/e12e0names01_*.py"))
    spec = importlib.util.spec_from_file_location("names_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_splits_existing_messy_names():
    """The data step of revision e12e0names01 on a table as it was before: one name column."""
    engine = sa.create_engine("sqlite://")
    written = ["Anna Weber", "  Hans   Müller-Lüdenscheidt ", "Anna von Berg", "Madonna", "Berg, Anna",
               "Maria de la Cruz", "Ayşe\tÖzdemir", ""]
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE registration (id INTEGER PRIMARY KEY, name VARCHAR(200), "
                                   "given_name VARCHAR(200) DEFAULT '' NOT NULL, "
                                   "family_name VARCHAR(200) DEFAULT '' NOT NULL)"))
        for number, name in enumerate(written, start=1):
            connection.execute(sa.text("INSERT INTO registration (id, name) VALUES (:id, :name)"),
                               {"id": number, "name": name})
        assert migration().split_existing_names(connection) == len(written)
        rows = connection.execute(sa.text("SELECT name, given_name, family_name FROM registration ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        ("Anna Weber", "Anna", "Weber"),
        ("Hans Müller-Lüdenscheidt", "Hans", "Müller-Lüdenscheidt"),
        ("Anna von Berg", "Anna", "von Berg"),
        ("Madonna", "", "Madonna"),
        ("Berg, Anna", "Anna", "Berg"),  # the display name stays as the person wrote it
        ("Maria de la Cruz", "Maria", "de la Cruz"),
        ("Ayşe Özdemir", "Ayşe", "Özdemir"),
        ("", "", ""),
    ]
