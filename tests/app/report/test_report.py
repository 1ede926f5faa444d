"""The meeting's report: its figures against the database (computed here again from the fixture's plan), the
privacy rules (names only of people on the list, free text without names), the PDF and .docx read back, the
organiser's page, the command line, and a meeting whose personal data is deleted."""
from __future__ import annotations

import io
from datetime import timedelta
from itertools import combinations

import pytest
from docx import Document

from conftest import CAFE_TABLES, SCHEDULE_PEOPLE, SPEED_PAIRS
from day_helpers import flat, pdf_pages_text
from question_helpers import CHALLENGES, TOPICS, add_questions, answer
from netzwerktreffen.afterwards import retention
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Feedback, TopicSuggestion
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning
from netzwerktreffen.registration.service import cancel_registration
from netzwerktreffen.report import document, word
from netzwerktreffen.report.figures import contacts, counted, meeting_report


def fixture_pairs(absent: set[int] = frozenset()) -> set[tuple[int, int]]:
    """Who sat together in the fixture's hand-written plan (indexes into SCHEDULE_PEOPLE)."""
    pairs = {tuple(sorted(p)) for round_ in SPEED_PAIRS for p in round_}
    pairs |= {tuple(sorted(p)) for round_ in CAFE_TABLES for table in round_ for p in combinations(table, 2)}
    return {p for p in pairs if not set(p) & absent}


def text_of(docx) -> str:
    """The paragraphs and table cells of a Word document, whitespace folded."""
    return flat(" ".join([p.text for p in docx.paragraphs] +
                         [c.text for t in docx.tables for row in t.rows for c in row.cells]))


def people_of(meeting):
    return sorted(meeting.registrations, key=lambda r: r.id)


def test_who_came_counts_confirmed_people_by_sector_without_no_shows_and_cancellations(
        published_meeting, make_registration):
    meeting = published_meeting()
    people = people_of(meeting)
    people[2].no_show = True
    extra = make_registration(meeting, name="Nora Late", sector="jobcenter", organisation="Jobcenter  Esslingen")
    cancel_registration(extra)
    db.session.commit()
    report = meeting_report(meeting)
    a = report.attendance
    assert (a.registered, a.came, a.no_shows, a.cancelled) == (6, 5, 1, 1)
    rows = {row.label: (row.registered, row.came) for row in a.by_sector}
    by_key = {s.key: s.display_name for s in meeting.sectors}
    for k, (_name, _org, sector) in enumerate(SCHEDULE_PEOPLE):
        assert rows[by_key[sector]] == (1, 0 if k == 2 else 1)
    # along the chain: the sectors' own order
    positions = [row.sector.position for row in a.by_sector]
    assert positions == sorted(positions)
    assert dict(a.organisations) == {org: 1 for k, (_n, org, _s) in enumerate(SCHEDULE_PEOPLE) if k != 2}


def test_new_contacts_are_the_pairs_of_the_plan_not_met_at_an_earlier_meeting_of_the_series(
        published_meeting, make_meeting, make_registration, organiser):
    meeting = published_meeting()
    people = people_of(meeting)
    # no earlier meeting: every pair who sat together is new
    first = contacts(meeting)
    expected = fixture_pairs()
    assert (first.pairs, first.new_pairs, first.known_pairs, first.earlier_meetings) == (len(expected),) * 2 + (0, 0)

    # the 2nd meeting of the series, a month before, where persons 0 and 1 (by e-mail) sat together
    earlier = make_meeting(slug="frueher", organisers=[organiser], series_number=2,
                           date=meeting.date - timedelta(days=60))
    earlier.blocks.remove(earlier.blocks[1])  # only speed networking
    db.session.commit()
    a, b, c = (make_registration(earlier, email=email, organisation=org, blocks=[earlier.blocks[0]])
               for email, org in (("person0@example.org", "Jobcenter Esslingen"), ("PERSON1@example.org", "VHS"),
                                  ("someone@example.org", "Stadt Wendlingen")))
    plan = {"format": scheduling.PLAN_FORMAT, "blocks": [
        {"id": scheduling.block_key(earlier.blocks[0]),
         "rounds": [[[scheduling.participant_id(a), scheduling.participant_id(b), scheduling.participant_id(c)]]]},
    ]}
    earlier.blocks[0].rounds = 1
    earlier.blocks[0].group_size = 3
    db.session.commit()
    planning.publish(planning.store_version(earlier, scheduling.build_instance(earlier), plan, source="import"))

    people[3].no_show = True
    db.session.commit()
    now = contacts(meeting)
    expected = fixture_pairs(absent={3})
    assert (0, 1) in expected
    assert (now.pairs, now.known_pairs, now.new_pairs, now.earlier_meetings) == (
        len(expected), 1, len(expected) - 1, 1)
    assert now.people == 5
    # the matrix: new pairs between sectors, symmetric, each pair counted once on or above the diagonal
    size = len(now.labels)
    assert all(now.matrix[i][j] == now.matrix[j][i] for i in range(size) for j in range(size))
    assert sum(now.matrix[i][j] for i in range(size) for j in range(i, size)) == now.new_pairs
    sectors = {s.key: s.display_name for s in meeting.sectors}
    jobcenter, vhs = now.labels.index(sectors["jobcenter"]), now.labels.index(sectors["sprachschule"])
    assert now.matrix[jobcenter][vhs] == 0  # persons 0 and 1 had met before
    assert now.per_person == pytest.approx(2 * now.new_pairs / 5)


def test_without_a_published_plan_the_report_says_that_nobody_knows_who_met_whom(make_meeting, organiser,
                                                                                  make_registration):
    meeting = make_meeting(organisers=[organiser])
    make_registration(meeting)
    report = meeting_report(meeting)
    assert not report.contacts.planned
    from flask import current_app
    with current_app.test_request_context():
        html = document.render_html(report)
    assert "keinen veröffentlichten Rundenplan" in html


def test_names_only_of_people_on_the_list_and_free_text_without_names(published_meeting, app):
    meeting = published_meeting()
    people = people_of(meeting)
    people[0].consent_listing = True  # Anna Weber agreed to the list; the others did not
    topics, challenges = add_questions(meeting, TOPICS, CHALLENGES)
    assert not challenges.anonymous_results  # the organiser's page names who wrote it; the report does not
    for person in people:
        answer(person, topics, ["Sprache", "Anerkennung"] if person.id % 2 else ["Sprache"])
    answer(people[4], challenges, "Zu wenig Kita-Plätze in Nürtingen")
    answer(people[5], challenges, "zu wenig  Kita-Plätze in Nürtingen")
    db.session.commit()
    with app.test_request_context():
        report = meeting_report(meeting)
        text = " ".join(pdf_pages_text(document.report_pdf(report)))
        docx = Document(io.BytesIO(word.report_docx(report)))
    docx_text = text_of(docx)
    for found in (text, docx_text):
        assert "Anna Weber" in found
        for name, _org, _sector in SCHEDULE_PEOPLE[1:]:
            assert name not in found
        assert "Zu wenig Kita-Plätze in Nürtingen (2×)" in found
        assert "Welche Themen sind wichtig?" in found
    # the charts: the survey's and the report's, as pictures in the .docx
    assert len(docx.inline_shapes) >= 3


def test_pdf_and_docx_carry_the_same_figures(published_meeting, app):
    meeting = published_meeting()
    people = people_of(meeting)
    db.session.add_all([TopicSuggestion(meeting=meeting, registration=people[0], text="Anerkennung beschleunigen"),
                        TopicSuggestion(meeting=meeting, registration=people[1], text="anerkennung  beschleunigen!"),
                        Feedback(meeting=meeting, registration=people[2], speed=5, cafe=4, comment="Gern wieder"),
                        Feedback(meeting=meeting, registration=people[3], speed=3, cafe=None)])
    cafe_table = meeting.blocks[1].cafe_tables[0]
    cafe_table.harvest_notes = ["Betreuung fehlt am Nachmittag", ""]
    cafe_table.harvest_next_steps = "Kita-Träger zum nächsten Treffen einladen"
    db.session.commit()
    with app.test_request_context():
        report = meeting_report(meeting)
        pdf = " ".join(pdf_pages_text(document.report_pdf(report)))
        docx_text = text_of(Document(io.BytesIO(word.report_docx(report))))
    pairs = len(fixture_pairs())
    assert report.suggestions[0].count == 2 and report.feedback.responses == 2
    assert report.cafe_filled == 1
    for found in (pdf, docx_text):
        assert f"{pairs} verschiedene Paare" in found
        assert "Anerkennung beschleunigen" in found
        assert "Gern wieder" in found
        assert "Betreuung fehlt am Nachmittag" in found
        assert "Kita-Träger zum nächsten Treffen einladen" in found
        assert "1 / 2" in found  # café tables with results
        assert "4,00" in found  # the speed rating's average: (5 + 3) / 2


def test_the_organisers_page_and_the_downloads(published_meeting, logged_in, client, make_organiser, auth):
    meeting = published_meeting()
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Neue Kontakte" in html and 'aria-current="page">Bericht<' in html
    pdf = logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "bericht-3-netzwerktreffen-migration-" in pdf.headers["Content-Disposition"]
    docx = logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/docx")
    assert docx.data.startswith(b"PK") and Document(io.BytesIO(docx.data)).paragraphs
    assert logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/odt").status_code == 404
    auth.logout()
    make_organiser(email="andere@example.org")
    auth.login(email="andere@example.org")
    assert client.get(f"/organisation/treffen/{meeting.slug}/bericht/").status_code == 404


def test_flask_report_writes_pdf_or_docx_and_refuses_other_files(published_meeting, runner, tmp_path):
    meeting = published_meeting()
    result = runner.invoke(args=["report", meeting.slug, "--out", str(tmp_path / "bericht.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bericht.pdf").read_bytes().startswith(b"%PDF")
    result = runner.invoke(args=["report", meeting.slug, "--out", str(tmp_path / "bericht.docx")])
    assert result.exit_code == 0 and Document(str(tmp_path / "bericht.docx")).paragraphs
    result = runner.invoke(args=["report", meeting.slug, "--out", str(tmp_path / "bericht.odt")])
    assert result.exit_code == 1 and "muss auf .pdf oder .docx enden" in result.output
    result = runner.invoke(args=["report", "gibt-es-nicht", "--out", str(tmp_path / "b.pdf")])
    assert result.exit_code == 1 and "kein Treffen" in result.output
    result = runner.invoke(args=["report", meeting.slug, "--out", str(tmp_path / "fehlt" / "b.pdf")])
    assert result.exit_code == 1 and "Ordner" in result.output


def test_after_the_deletion_the_report_keeps_what_is_kept(published_meeting, app):
    meeting = published_meeting()
    people = people_of(meeting)
    (topics,) = add_questions(meeting, TOPICS)
    for person in people:
        answer(person, topics, ["Sprache"])
    db.session.add(TopicSuggestion(meeting=meeting, registration=people[0], text="Wohnen"))
    db.session.commit()
    retention.purge(meeting)
    db.session.refresh(meeting)
    with app.test_request_context():
        report = meeting_report(meeting)
        text = " ".join(pdf_pages_text(document.report_pdf(report)))
    assert report.purged and report.attendance.registered == 0
    assert report.questions[0].answered == 6
    assert "personenbezogenen Daten dieses Treffens sind gelöscht" in text
    assert "Wohnen" in text


def test_counted_groups_the_same_text():
    assert counted(["Kita fehlt", " kita  fehlt ", "Wohnen", "", "Kita fehlt"]) == [("Kita fehlt", 3), ("Wohnen", 1)]


def test_a_new_meeting_without_anybody_has_a_report_too(make_meeting, organiser, logged_in):
    meeting = make_meeting(organisers=[organiser], series_name="", series_number=None)
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "keinen veröffentlichten Rundenplan" in html and "Keine Themenvorschläge." in html
    pdf = logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/pdf")
    text = " ".join(pdf_pages_text(pdf.data))
    assert "0 von 0 angemeldeten Personen sind gekommen" in text
    assert logged_in.get(f"/organisation/treffen/{meeting.slug}/bericht/docx").status_code == 200
