"""Organiser registration pages: list, search, filters, edit, cancel, promote, add by hand, CSV views."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import BERLIN
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED, Registration


def base(meeting):
    return f"/organisation/treffen/{meeting.slug}/anmeldungen"


def people(meeting):
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                   .order_by(Registration.id)))


def edit_data(meeting, person, **overrides):
    """The edit form as the browser sends it, filled with the person's current values."""
    data = {
        "given_name": person.given_name, "family_name": person.family_name, "email": person.email, "organisation": person.organisation,
        "sector": str(person.sector_id), "role": person.role,
        "offers": [str(t.id) for t in person.offers], "needs": [str(t.id) for t in person.needs],
        "languages": list(person.languages), "blocks": [str(b.id) for b in person.blocks],
        "wishes": person.wishes, "not_with": person.not_with, "accessibility": person.accessibility,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def meeting(make_meeting, organiser):
    return make_meeting(organisers=[organiser], capacity=3)


# ---------------------------------------------------------------- list, search, filters

def test_list_shows_people_counts_and_waitlist_positions(logged_in, meeting, make_registration):
    make_registration(meeting, name="Aylin Öztürk", organisation="Jobcenter Esslingen",
                      accessibility="Gebärdensprachdolmetschung", languages=["de", "tr"])
    make_registration(meeting, name="Bernd Schulz", sector="sprachschule", organisation="VHS Nürtingen")
    make_registration(meeting, name="Chiara Rossi", sector="agentur", organisation="Agentur für Arbeit")
    make_registration(meeting, name="Dmytro Koval", sector="migrationsberatung", organisation="MBE Caritas")
    make_registration(meeting, name="Eva Weber")
    response = logged_in.get(base(meeting))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in ("Aylin Öztürk", "Bernd Schulz", "Chiara Rossi", "Dmytro Koval", "Eva Weber"):
        assert name in page
    assert "3 von 3 Plätzen" in page
    assert "Warteliste, Platz 1" in page and "Warteliste, Platz 2" in page
    assert "Sprachschule/VHS" in page and "sector-dot" in page
    assert "Gebärdensprachdolmetschung" in page  # accessibility needs are visible in the list
    assert '<abbr title="Türkisch">tr</abbr>' in page
    assert people(meeting)[0].created_at.astimezone(BERLIN).strftime("%d.%m.%Y") in page  # the date in Berlin


@pytest.mark.parametrize("query, expected", [
    ("ÖZTÜRK", {"Aylin Öztürk"}),  # case-insensitive beyond ASCII, also on SQLite
    ("vhs", {"Bernd Schulz"}),  # organisation
    ("C.ROSSI@", {"Chiara Rossi"}),  # e-mail
    ("straße", {"Eva Weber"}),  # ß
    ("%", set()),  # no SQL wildcards
    ("niemand", set()),
])
def test_search_over_name_email_and_organisation(logged_in, meeting, make_registration, query, expected):
    make_registration(meeting, name="Aylin Öztürk", organisation="Jobcenter Esslingen")
    make_registration(meeting, name="Bernd Schulz", organisation="Kreis-VHS Nürtingen", sector="sprachschule")
    make_registration(meeting, name="Chiara Rossi", email="c.rossi@arbeitsagentur.example", sector="agentur")
    make_registration(meeting, name="Eva Weber", organisation="Beratung Hauptstraße")
    page = logged_in.get(base(meeting), query_string={"q": query}).get_data(as_text=True)
    shown = {name for name in ("Aylin Öztürk", "Bernd Schulz", "Chiara Rossi", "Eva Weber") if name in page}
    assert shown == expected
    if not expected:
        assert "Keine Anmeldung passt" in page


def test_filters_by_status_sector_and_block(logged_in, meeting, make_registration):
    speed, cafe = meeting.blocks
    make_registration(meeting, name="Nur Café", blocks=[cafe])
    make_registration(meeting, name="Beides VHS", sector="sprachschule", blocks=[speed, cafe])
    make_registration(meeting, name="Storniert Später", blocks=[speed])
    make_registration(meeting, name="Auf Warteliste", blocks=[speed])
    cancelled = people(meeting)[2]
    cancelled.status = CANCELLED
    db.session.commit()

    def shown(**args):
        page = logged_in.get(base(meeting), query_string=args).get_data(as_text=True)
        return {n for n in ("Nur Café", "Beides VHS", "Storniert Später", "Auf Warteliste") if n in page}

    assert shown() == {"Nur Café", "Beides VHS", "Storniert Später", "Auf Warteliste"}
    assert shown(status="waitlisted") == {"Auf Warteliste"}
    assert shown(status="cancelled") == {"Storniert Später"}
    assert shown(sector="sprachschule") == {"Beides VHS"}
    assert shown(block=str(speed.id)) == {"Beides VHS", "Storniert Später", "Auf Warteliste"}
    assert shown(block=str(cafe.id), sector="jobcenter") == {"Nur Café"}
    # nonsense in the query string is ignored, never a 500
    assert shown(status="x", sector="<script>", block="abc") == shown()
    assert shown(block="²") == shown(block="-1") == shown()
    assert logged_in.get(base(meeting), query_string={"block": "99999999999999999999"}).status_code == 200


def test_list_needs_few_queries_for_many_registrations(logged_in, make_meeting, organiser, make_registration):
    meeting = make_meeting(organisers=[organiser], capacity=300)
    for n in range(60):
        make_registration(meeting, name=f"Person {n}", blocks=list(meeting.blocks))
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = logged_in.get(base(meeting)).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "Person 59" in page
    assert len(statements) < 20, statements


def test_other_organisers_meetings_and_registrations_are_404(client, auth, make_organiser, make_meeting,
                                                              make_registration):
    mine = make_meeting(slug="meins", organisers=[make_organiser()])
    theirs = make_meeting(slug="fremd", organisers=[make_organiser("andere@example.org")])
    stranger = make_registration(theirs, name="Fremde Person")
    auth.login()
    for path in ("", "/export.csv", "/import", "/neu", f"/{stranger.id}"):
        assert client.get(base(theirs) + path).status_code == 404, path
    # a registration id of another meeting, under my own meeting's address
    assert client.get(f"{base(mine)}/{stranger.id}").status_code == 404
    assert client.post(f"{base(mine)}/{stranger.id}/stornieren").status_code == 404
    assert client.post(f"{base(mine)}/{stranger.id}/nachruecken").status_code == 404
    assert client.get(base(mine) + "/12345").status_code == 404
    assert client.get(base(mine) + "/99999999999999999999").status_code == 404  # not a 500
    assert people(theirs)[0].status == CONFIRMED


def test_logged_out_visitors_are_sent_to_login(client, meeting):
    response = client.get(base(meeting))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---------------------------------------------------------------- edit

def test_edit_shows_consents_and_accessibility_and_saves(logged_in, meeting, make_registration):
    person = make_registration(meeting, name="Olena Kovalenko", accessibility="Rollstuhlgerechter Zugang",
                               consent_listing=True)
    page = logged_in.get(f"{base(meeting)}/{person.id}").get_data(as_text=True)
    assert "Rollstuhlgerechter Zugang" in page
    assert "Einwilligungen" in page and "Teilnehmendenliste" in page
    assert "<code>test</code>" in page  # the consent version (conftest registers with "test")
    assert "Teilnehmendenliste</dt>\n    <dd>ja" in page
    assert "consent_listing" not in page  # the organiser cannot tick consents for the person
    assert re.search(r'<input[^>]* id="given_name"[^>]* value="Olena"', page)
    assert re.search(r'<input[^>]* id="family_name"[^>]* value="Kovalenko"', page)
    sprachschule = next(s for s in meeting.sectors if s.key == "sprachschule")
    response = logged_in.post(f"{base(meeting)}/{person.id}", data=edit_data(
        meeting, person, role="Kursleitung", sector=str(sprachschule.id), languages=["de", "en"],
        family_name="Kovalenko-Bauer"))
    assert response.status_code == 302
    [saved] = people(meeting)
    assert (saved.role, saved.sector.key, saved.languages) == ("Kursleitung", "sprachschule", ["de", "en"])
    assert (saved.given_name, saved.family_name, saved.name) == ("Olena", "Kovalenko-Bauer", "Olena Kovalenko-Bauer")
    assert saved.consent_listing is True  # kept


def test_edit_with_duplicate_email_is_refused(logged_in, meeting, make_registration):
    make_registration(meeting, name="Erste Person", email="erste@example.org")
    second = make_registration(meeting, name="Zweite Person", email="zweite@example.org")
    response = logged_in.post(f"{base(meeting)}/{second.id}",
                              data=edit_data(meeting, second, email="ERSTE@example.org"))
    assert response.status_code == 409
    assert "bereits Erste Person angemeldet" in response.get_data(as_text=True)
    assert [p.email for p in people(meeting)] == ["erste@example.org", "zweite@example.org"]


def test_edit_with_bad_input_says_what_is_wrong(logged_in, meeting, make_registration):
    person = make_registration(meeting)
    data = edit_data(meeting, person, email="kaputt", family_name="")
    response = logged_in.post(f"{base(meeting)}/{person.id}", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Ungültige E-Mail-Adresse" in page and "Bitte prüfen Sie" in page


# ---------------------------------------------------------------- cancel, promote

def test_cancel_moves_the_first_waitlisted_person_up_and_mails_them(logged_in, meeting, make_registration, outbox):
    first, _second, _third = (make_registration(meeting, name=f"Platz {n}") for n in range(3))
    waiting_1 = make_registration(meeting, name="Wartet Zuerst", email="zuerst@example.org")
    make_registration(meeting, name="Wartet Danach")
    response = logged_in.post(f"{base(meeting)}/{first.id}/stornieren", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Die Anmeldung von Platz 0 ist storniert" in page
    assert "nachgerückt und per E-Mail benachrichtigt: Wartet Zuerst" in page
    assert [p.status for p in people(meeting)] == [CANCELLED, CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    messages = outbox()
    assert [m["To"].addresses[0].addr_spec for m in messages if "nachgerückt" in m["Subject"]] == [waiting_1.email]
    assert any("Absage" in m["Subject"] for m in messages)
    # cancelling again changes nothing
    page = logged_in.post(f"{base(meeting)}/{first.id}/stornieren", follow_redirects=True).get_data(as_text=True)
    assert "schon storniert" in page


def test_promote_beyond_capacity(logged_in, meeting, make_registration, outbox):
    for n in range(3):
        make_registration(meeting, name=f"Platz {n}")
    waiting = make_registration(meeting, name="Hanna Wartend")
    assert waiting.status == WAITLISTED
    response = logged_in.post(f"{base(meeting)}/{waiting.id}/nachruecken",
                              data={"next": f"{base(meeting)}?status=waitlisted"})
    assert response.headers["Location"].endswith(f"{base(meeting)}?status=waitlisted")
    page = logged_in.get(base(meeting)).get_data(as_text=True)
    assert "Hanna Wartend ist von der Warteliste nachgerückt" in page
    assert "4 Personen angemeldet, bei 3 Plätzen" in page
    assert "4 von 3 Plätzen" in page
    assert people(meeting)[-1].status == CONFIRMED
    assert [m["To"].addresses[0].addr_spec for m in outbox() if "nachgerückt" in m["Subject"]] == [waiting.email]
    # not on the waiting list (any more): nothing happens; a foreign "next" is not followed
    response = logged_in.post(f"{base(meeting)}/{waiting.id}/nachruecken", data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith(f"{base(meeting)}/{waiting.id}")


def test_personal_link_can_be_sent_again(logged_in, meeting, make_registration, outbox):
    person = make_registration(meeting, name="Per Telefon")
    logged_in.post(f"{base(meeting)}/{person.id}/link")
    [message] = outbox()
    assert f"/r/{person.token}" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_actions_need_a_csrf_token(client, organiser, meeting, make_registration, app_config):
    def token(path):
        page = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    client.post("/login", data={"email": organiser.email, "password": "richtig-geheim-42",
                                "csrf_token": token("/login")})
    person = make_registration(meeting)
    for action in ("stornieren", "nachruecken", "link"):
        assert client.post(f"{base(meeting)}/{person.id}/{action}").status_code == 400
    assert client.post(f"{base(meeting)}/import", data={}).status_code == 400
    assert client.post(f"{base(meeting)}/neu", data=manual_data(meeting)).status_code == 400
    assert people(meeting)[0].status == CONFIRMED
    # with the token from the page, the button works
    response = client.post(f"{base(meeting)}/{person.id}/stornieren",
                           data={"csrf_token": token(f"{base(meeting)}/{person.id}")})
    assert response.status_code == 302
    assert people(meeting)[0].status == CANCELLED


# ---------------------------------------------------------------- add by hand

def manual_data(meeting, **overrides):
    jobcenter = next(s for s in meeting.sectors if s.key == "jobcenter")
    data = {"given_name": "Telefon", "family_name": "Anruferin", "email": "anruf@example.org", "organisation": "Jobcenter Kreis",
            "sector": str(jobcenter.id), "languages": ["de"], "blocks": [str(b.id) for b in meeting.blocks],
            "consent_processing": "y", "consent_listing": "y", "locale": "de", "send_confirmation": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_add_by_hand_records_consent_given_to_the_organiser(logged_in, meeting, organiser, outbox):
    response = logged_in.post(f"{base(meeting)}/neu", data=manual_data(meeting))
    assert response.status_code == 302
    [person] = people(meeting)
    assert person.status == CONFIRMED
    assert person.consent_version == f"organiser:{organiser.email}"
    assert person.consent_listing is True and person.consent_contact is False
    assert len(person.blocks) == 2
    [message] = outbox()
    assert "Anmeldebestätigung" in message["Subject"]
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Telefon Anruferin ist angemeldet" in page
    assert "gegenüber dem Organisationsteam" in page


def test_add_by_hand_needs_consent_and_refuses_duplicates(logged_in, meeting, make_registration, outbox):
    response = logged_in.post(f"{base(meeting)}/neu", data=manual_data(meeting, consent_processing=None))
    assert response.status_code == 400
    assert "Ohne Einwilligung der Person" in response.get_data(as_text=True)
    make_registration(meeting, name="Schon Da", email="anruf@example.org")
    response = logged_in.post(f"{base(meeting)}/neu", data=manual_data(meeting, email="Anruf@Example.org"))
    assert response.status_code == 409
    assert "bereits Schon Da angemeldet" in response.get_data(as_text=True)
    assert len(people(meeting)) == 1 and outbox() == []


def test_add_by_hand_when_full_goes_to_waiting_list_without_mail(logged_in, meeting, make_registration, outbox):
    for n in range(3):
        make_registration(meeting)
    response = logged_in.post(f"{base(meeting)}/neu", data=manual_data(meeting, send_confirmation=None),
                              follow_redirects=True)
    assert "steht auf der Warteliste" in response.get_data(as_text=True)
    assert people(meeting)[-1].status == WAITLISTED
    assert outbox() == []


# ---------------------------------------------------------------- CSV through the views

def test_export_then_import_into_a_second_meeting_gives_the_same_data(logged_in, make_meeting, organiser,
                                                                      make_registration, outbox):
    source = make_meeting(slug="quelle", organisers=[organiser], capacity=2)
    speed, cafe = source.blocks
    topics = {t.key: t for t in source.topics}
    make_registration(source, name="Aylin Öztürk", email="aylin@jc.example", role="Fallmanagerin",
                      offers=[topics["sgb2-beratung"], topics["arbeitsvermittlung"]], needs=[topics["anerkennung"]],
                      languages=["de", "tr"], blocks=[speed], wishes="IHK Region Stuttgart\nHWK",
                      not_with="Kollegin Weber", accessibility="Induktionsschleife",
                      consent_listing=True, consent_contact=True)
    make_registration(source, name="=HYPERLINK(\"x\")", email="formel@example.org", sector="kammer",
                      organisation="-IHK; \"Region\"", blocks=[])
    make_registration(source, name="Wartende Person", email="wartet@example.org", sector="sprachschule",
                      languages=["uk"], blocks=[cafe])
    make_registration(source, name="Abgesagt", email="abgesagt@example.org")
    people(source)[-1].status = CANCELLED
    db.session.commit()

    response = logged_in.get(f"{base(source)}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    exported = response.data
    assert exported.startswith("\ufeffVorname;Nachname;E-Mail;Organisation;Bereich;".encode())

    target = make_meeting(slug="ziel", organisers=[organiser], capacity=2)
    outbox_before = len(outbox())
    response = logged_in.post(f"{base(target)}/import", data={"file": (__import__("io").BytesIO(exported), "a.csv")},
                              content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "4 Anmeldungen importiert" in page, page
    assert len(outbox()) == outbox_before  # no mails on import

    def summary(person):
        return (person.name, person.email, person.organisation, person.sector.key, person.role,
                [t.key for t in person.offers], [t.key for t in person.needs], person.languages,
                [b.title for b in person.blocks], person.wishes, person.not_with, person.accessibility,
                person.status, person.consent_listing, person.consent_contact)

    assert [summary(p) for p in people(target)] == [summary(p) for p in people(source)]
    assert {p.consent_version for p in people(target)} == {f"import:{organiser.email}"}
    # the export of the copy is the same file, but for the registration times
    again = logged_in.get(f"{base(target)}/export.csv").data

    def without_times(data):
        return [line.rsplit(b";", 1)[0] for line in data.splitlines()]

    assert without_times(again) == without_times(exported)


def test_import_with_errors_imports_nothing_and_lists_every_row(logged_in, meeting, make_registration):
    make_registration(meeting, email="schon@example.org")
    data = ("Name;E-Mail;Organisation;Bereich\n"
            "Gut Eins;gut1@example.org;JC;jobcenter\n"
            "Falsch;max@;JC;jobcenter\n"
            "Bäcker;b@example.org;Bäckerei Maier;Bäckerei\n"
            "Schon Da;SCHON@example.org;JC;jobcenter\n").encode("cp1252")
    response = logged_in.post(f"{base(meeting)}/import", data={"file": (__import__("io").BytesIO(data), "x.csv")},
                              content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Es wurde nichts importiert" in page
    assert "Zeile 3: E-Mail „max@“ ist ungültig" in page
    assert "Zeile 4: Bereich „Bäckerei“ unbekannt" in page
    assert "Zeile 5: E-Mail „SCHON@example.org“ ist bereits angemeldet" in page
    assert [p.email for p in people(meeting)] == ["schon@example.org"]


@pytest.mark.parametrize("upload, message", [
    (None, "Bitte wählen Sie eine CSV-Datei aus"),
    (b"", "Die Datei ist leer"),
    (b"PK\x03\x04\x14\x00\x06\x00binary", "Excel-Arbeitsmappe"),
    (bytes(range(256)) * 4, "keine CSV-Datei"),
    (b"Vorname;Mail\nA;b@c.de\n", "Die Spalte „Nachname“ fehlt"),
])
def test_bad_uploads_are_explained_not_500(logged_in, meeting, upload, message):
    import io
    data = {} if upload is None else {"file": (io.BytesIO(upload), "upload.csv")}
    response = logged_in.post(f"{base(meeting)}/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert people(meeting) == []


def test_import_page_explains_itself(logged_in, meeting):
    page = logged_in.get(f"{base(meeting)}/import").get_data(as_text=True)
    assert "Es werden keine E-Mails verschickt" in page
    assert 'enctype="multipart/form-data"' in page
    template = logged_in.get(f"{base(meeting)}/vorlage.csv")
    assert template.data.decode("utf-8-sig").startswith("Vorname;Nachname;E-Mail;Organisation;Bereich;")
    assert len(template.data.splitlines()) == 1


def test_pages_link_each_other(logged_in, meeting, make_registration):
    person = make_registration(meeting)
    page = logged_in.get(base(meeting)).get_data(as_text=True)
    for path in (f"{base(meeting)}/neu", f"{base(meeting)}/import", f"{base(meeting)}/export.csv",
                 f"{base(meeting)}/{person.id}", f"/organisation/treffen/{meeting.slug}"):
        assert f'href="{path}"' in page, path
    assert re.search(r"<h2>Anmeldungen</h2>", page)
    assert re.search(r'<a href="[^"]+/anmeldungen" aria-current="page">Anmeldungen</a>', page)  # the meeting tab


def upload(client, meeting, text, encoding="utf-8"):
    import io
    return client.post(f"{base(meeting)}/import", data={"file": (io.BytesIO(text.encode(encoding)), "liste.csv")},
                       content_type="multipart/form-data", follow_redirects=True)


def test_import_fills_places_by_capacity_and_sends_no_mail(logged_in, meeting, make_registration, outbox):
    make_registration(meeting, name="Schon Angemeldet")
    mails_before = len(outbox())
    rows = "\n".join(f"Person {n};p{n}@example.org;Org;jobcenter" for n in range(1, 5))
    page = upload(logged_in, meeting, f"Name;E-Mail;Organisation;Bereich;Bemerkung\n"
                  + rows.replace("jobcenter", "jobcenter;") + "\n").get_data(as_text=True)
    assert "4 Anmeldungen importiert" in page
    assert "Davon stehen 2 Personen auf der Warteliste" in page
    assert "Nicht übernommene Spalten: Bemerkung" in page
    assert [(p.name, p.status) for p in people(meeting)] == [
        ("Schon Angemeldet", CONFIRMED), ("Person 1", CONFIRMED), ("Person 2", CONFIRMED),
        ("Person 3", WAITLISTED), ("Person 4", WAITLISTED)]
    assert "Warteliste, Platz 2" in logged_in.get(base(meeting)).get_data(as_text=True)
    assert len(outbox()) == mails_before


def test_import_with_explicit_status_may_exceed_capacity(logged_in, meeting):
    rows = "\n".join(f"P{n};p{n}@example.org;Org;kommune;angemeldet" for n in range(4))
    page = upload(logged_in, meeting, "Name;E-Mail;Organisation;Bereich;Status\n" + rows).get_data(as_text=True)
    assert "4 Anmeldungen importiert" in page
    assert "4 Personen angemeldet, bei 3 Plätzen" in page
    assert {p.status for p in people(meeting)} == {CONFIRMED}


def test_import_reuses_a_cancelled_registration(logged_in, meeting, make_registration):
    old = make_registration(meeting, name="Alt", email="wieder@example.org")
    old.status = CANCELLED
    db.session.commit()
    page = upload(logged_in, meeting, "Name;E-Mail;Organisation;Bereich\nNeu;wieder@example.org;Org;kommune\n")
    assert "1 Anmeldung importiert" in page.get_data(as_text=True)
    [person] = people(meeting)
    assert (person.name, person.status, person.sector.key) == ("Neu", CONFIRMED, "kommune")


def test_import_of_300_people(logged_in, make_meeting, organiser):
    import time
    meeting = make_meeting(organisers=[organiser], capacity=250)
    rows = "\n".join(f"Person {n};p{n}@example.org;Org {n % 40};{'jobcenter' if n % 2 else 'Sprachschule/VHS'};"
                     f"anerkennung, wohnen;de, en" for n in range(300))
    started = time.perf_counter()
    page = upload(logged_in, meeting, "Name;E-Mail;Organisation;Bereich;Angebote;Sprachen\n" + rows)
    assert "300 Anmeldungen importiert" in page.get_data(as_text=True)
    assert "Davon stehen 50 Personen auf der Warteliste" in page.get_data(as_text=True)
    assert time.perf_counter() - started < 30
    started = time.perf_counter()
    assert "Person 299" in logged_in.get(base(meeting)).get_data(as_text=True)
    assert len(logged_in.get(f"{base(meeting)}/export.csv").data.splitlines()) == 301
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("data", [
    "Name;E-Mail;Organisation;Bereich\nJürgen Müller;jm@example.org;Straßenbau Weiß;Arbeitgeber\n".encode("cp1252"),
    "\ufeffname,email,organisation,sector\nJürgen Müller,jm@example.org,Straßenbau Weiß,arbeitgeber\n".encode(),
])
def test_import_of_what_excel_writes(logged_in, meeting, data):
    import io
    response = logged_in.post(f"{base(meeting)}/import", data={"file": (io.BytesIO(data), "excel.csv")},
                              content_type="multipart/form-data", follow_redirects=True)
    assert "1 Anmeldung importiert" in response.get_data(as_text=True)
    [person] = people(meeting)
    assert (person.name, person.organisation, person.sector.key) == ("Jürgen Müller", "Straßenbau Weiß", "arbeitgeber")
