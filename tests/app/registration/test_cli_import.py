"""`flask --app netzwerktreffen import-registrations SLUG FILE.csv`: the organiser page's CSV import on the command line."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, WAITLISTED, Registration, utcnow
from netzwerktreffen.registration.queries import consent_source


@pytest.fixture
def meeting(make_meeting, organiser):
    return make_meeting(slug="cli-import", organisers=[organiser], capacity=2)


def people(meeting):
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                   .order_by(Registration.id)))


def write(tmp_path, text: str, encoding="utf-8-sig", name="liste.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


EXCEL_FILE = ("Name;E-Mail;Organisation;Bereich;Sprachen;Bemerkung\r\n"
              "Jürgen Müller;jm@example.org;Straßenbau Weiß;Arbeitgeber;de, tr;kommt später\r\n"
              "Zoë Ağaoğlu;zoe@example.org;Türkischer Elternverein;migrantenorganisation;de;\r\n"
              "Olena Kovalenko;olena@example.org;VHS Esslingen;Sprachschule/VHS;uk, de;\r\n")


def test_good_excel_file_is_imported(runner, meeting, tmp_path):
    """What Excel writes as "CSV UTF-8": BOM, semicolons, umlauts; capacity fills like on the page."""
    result = runner.invoke(args=["import-registrations", meeting.slug, write(tmp_path, EXCEL_FILE)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "3 Anmeldungen importiert",
        "Davon steht 1 Person auf der Warteliste.",
        "Nicht übernommene Spalten: Bemerkung",
    ]
    assert result.stderr == ""
    found = [(p.name, p.organisation, p.sector.key, p.languages, p.status) for p in people(meeting)]
    assert found == [
        ("Jürgen Müller", "Straßenbau Weiß", "arbeitgeber", ["de", "tr"], CONFIRMED),
        ("Zoë Ağaoğlu", "Türkischer Elternverein", "migrantenorganisation", ["de"], CONFIRMED),
        ("Olena Kovalenko", "VHS Esslingen", "sprachschule", ["uk", "de"], WAITLISTED),
    ]
    person = people(meeting)[0]
    assert person.consent_version == "import-cli"
    assert consent_source(person.consent_version) == (
        "gegenüber dem Organisationsteam, per CSV-Import über die Kommandozeile übernommen")


def test_windows_1252_file_and_organiser_named(runner, meeting, organiser, tmp_path):
    path = write(tmp_path, "Name;E-Mail;Organisation;Bereich\nJürgen Müller;jm@example.org;Straßenbau Weiß;"
                           "Arbeitgeber\n", encoding="cp1252")
    result = runner.invoke(args=["import-registrations", meeting.slug, path, "--organiser", organiser.email.upper()])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 Anmeldung importiert\n"
    [person] = people(meeting)
    assert (person.name, person.organisation) == ("Jürgen Müller", "Straßenbau Weiß")
    assert person.consent_version == f"import:{organiser.email}"  # as when imported on the page


def test_file_from_standard_input(runner, meeting):
    data = "Name,E-Mail,Organisation,Bereich\nAnna Weber,anna@example.org,Jobcenter,jobcenter\n".encode()
    result = runner.invoke(args=["import-registrations", meeting.slug, "-"], input=data)
    assert result.exit_code == 0, result.output
    assert [p.email for p in people(meeting)] == ["anna@example.org"]


def test_bad_row_imports_nothing_and_names_every_line(runner, meeting, make_registration, tmp_path):
    make_registration(meeting, email="schon@example.org")
    path = write(tmp_path, "Name;E-Mail;Organisation;Bereich\n"
                           "Gut Eins;gut1@example.org;JC;jobcenter\n"
                           "Falsch;max@;JC;jobcenter\n"
                           "Bäcker;b@example.org;Bäckerei Maier;Bäckerei\n"
                           "Schon Da;SCHON@example.org;JC;jobcenter\n")
    result = runner.invoke(args=["import-registrations", meeting.slug, path])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Es wurde nichts importiert.",
        "Zeile 3: E-Mail „max@“ ist ungültig",
        "Zeile 4: Bereich „Bäckerei“ unbekannt",
        "Zeile 5: E-Mail „SCHON@example.org“ ist bereits angemeldet",
    ]
    assert [p.email for p in people(meeting)] == ["schon@example.org"]  # all or nothing


@pytest.mark.parametrize("content, message", [
    (b"", "Die Datei ist leer."),
    (b"PK\x03\x04\x14\x00\x06\x00binary", "Excel-Arbeitsmappe"),
    (b"Vorname;Mail\nA;b@c.de\n", "Die Spalte „Nachname“ fehlt"),
])
def test_unreadable_content_is_explained(runner, meeting, tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["import-registrations", meeting.slug, str(path)])
    assert result.exit_code == 1
    assert message in result.stderr and "Es wurde nichts importiert." in result.stderr
    assert people(meeting) == []


def test_unknown_meeting(runner, tmp_path):
    result = runner.invoke(args=["import-registrations", "gibt-es-nicht", write(tmp_path, EXCEL_FILE)])
    assert result.exit_code == 1
    assert result.stderr == "Fehler: Es gibt kein Treffen mit dem Kurznamen „gibt-es-nicht“.\n"
    assert db.session.scalar(select(Registration.id)) is None


def test_missing_file_directory_and_foreign_organiser(runner, meeting, make_organiser, tmp_path):
    result = runner.invoke(args=["import-registrations", meeting.slug, str(tmp_path / "fehlt.csv")])
    assert result.exit_code == 1
    assert result.stderr == f"Fehler: Die Datei „{tmp_path / 'fehlt.csv'}“ gibt es nicht.\n"
    result = runner.invoke(args=["import-registrations", meeting.slug, str(tmp_path)])
    assert result.exit_code == 1 and "ist ein Ordner, keine Datei" in result.stderr
    stranger = make_organiser(email="fremd@example.org")
    result = runner.invoke(args=["import-registrations", meeting.slug, write(tmp_path, EXCEL_FILE),
                                 "--organiser", stranger.email])
    assert result.exit_code == 1 and "gehört nicht zum Organisationsteam" in result.stderr
    assert people(meeting) == []


def test_meeting_whose_data_was_deleted_takes_no_one(runner, meeting, tmp_path):
    meeting.purged_at = utcnow()
    db.session.commit()
    result = runner.invoke(args=["import-registrations", meeting.slug, write(tmp_path, EXCEL_FILE)])
    assert result.exit_code == 1
    assert "Die Anmeldedaten dieses Treffens sind gelöscht" in result.stderr
    assert people(meeting) == []
