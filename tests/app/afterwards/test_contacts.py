"""After the meeting: whom did I meet, with contact details only of those who agreed."""
from __future__ import annotations

import pytest

from datetime import date, datetime, timedelta

import vobject

from dates import berlin_today
from netzwerktreffen.afterwards import contacts
from netzwerktreffen.core.extensions import db

pytestmark = pytest.mark.usefixtures("frozen_clock")  # "after the meeting" depends on today


def held_meeting(published_meeting, sharing=(1, 2), no_show=()):
    """The six-person published meeting, held yesterday; ``sharing`` agreed to pass on their details."""
    meeting = published_meeting()
    meeting.date = berlin_today() - timedelta(days=1)
    people = sorted(meeting.registrations, key=lambda r: r.id)
    for k, person in enumerate(people):
        person.consent_contact = k in sharing
        person.no_show = k in no_show
    people[1].role = "Integrationskursträger-Leitung"
    db.session.commit()
    return meeting, people


def test_contacts_follow_the_plan(app, published_meeting):
    _meeting, people = held_meeting(published_meeting)
    met = contacts.contacts_of(people[0])  # Anna: speed with 1, 2, 3; café with 2, 3 then 4, 5
    assert [c.person.name for c in met] == ["Olena Kovalenko", "Mehmet Kaya", "Grace Mensah", "Sabine Wolf",
                                            "Tarek Haddad"]
    where = {c.person.name: c.where for c in met}
    assert where["Olena Kovalenko"] == ["Speed Networking, Runde 1"]
    assert where["Mehmet Kaya"][0] == "Speed Networking, Runde 2"
    assert where["Mehmet Kaya"][1].startswith("Pro-Action-Café, Runde 1, Tisch 7")
    assert [c.shares for c in met] == [True, True, False, False, False]
    # Olena (1) sat with Tarek (5) at café table 8 in round 1 and in speed round 3
    assert "Tarek Haddad" in [c.person.name for c in contacts.contacts_of(people[1])]


def test_no_shows_met_nobody(app, published_meeting):
    _meeting, people = held_meeting(published_meeting, no_show=(2,))
    assert "Mehmet Kaya" not in [c.person.name for c in contacts.contacts_of(people[0])]
    assert contacts.contacts_of(people[2]) == []


def test_personal_page_shows_contacts_only_after_the_meeting(client, published_meeting):
    meeting, people = held_meeting(published_meeting)
    page = client.get(f"/r/{people[0].token}").get_data(as_text=True)
    assert "Wen Sie getroffen haben" in page
    assert "Sie haben 5 Personen getroffen. 2 davon geben Ihnen ihre Kontaktdaten." in page
    assert "person1@example.org" in page and "person2@example.org" in page
    assert "person3@example.org" not in page and "person4@example.org" not in page  # did not agree
    assert page.count("keine Weitergabe gewünscht") == 3
    assert "Integrationskursträger-Leitung" in page
    # the same meeting tomorrow: no list, no file
    meeting.date = berlin_today() + timedelta(days=1)
    db.session.commit()
    page = client.get(f"/r/{people[0].token}").get_data(as_text=True)
    assert "Wen Sie getroffen haben" not in page and "person1@example.org" not in page
    assert client.get(f"/r/{people[0].token}/kontakte.vcf").status_code == 404


def test_meeting_over_uses_the_end_time():
    class Meeting:
        date = date(2026, 11, 22)
        end_time = datetime(2026, 11, 22, 13, 0).time()
    assert not contacts.meeting_over(Meeting, now=datetime(2026, 11, 22, 12, 59))
    assert contacts.meeting_over(Meeting, now=datetime(2026, 11, 22, 13, 0))


def test_vcard_holds_only_those_who_agreed(client, published_meeting):
    _meeting, people = held_meeting(published_meeting)
    response = client.get(f"/r/{people[0].token}/kontakte.vcf")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/vcard")
    assert "attachment" in response.headers["Content-Disposition"]
    cards = list(vobject.readComponents(response.get_data(as_text=True)))
    assert [(c.fn.value, c.email.value, c.n.value.family, c.n.value.given) for c in cards] == [
        ("Olena Kovalenko", "person1@example.org", "Kovalenko", "Olena"),
        ("Mehmet Kaya", "person2@example.org", "Kaya", "Mehmet")]
    assert cards[0].org.value == ["VHS Esslingen"] and cards[0].title.value == "Integrationskursträger-Leitung"
    assert "Speed Networking, Runde 1" in cards[0].note.value


def test_hostile_names_are_escaped_in_page_and_vcard(client, published_meeting):
    meeting = published_meeting(names=["Anna", "<script>alert(1)</script>; Evil,Name"])
    meeting.date = berlin_today() - timedelta(days=1)
    people = sorted(meeting.registrations, key=lambda r: r.id)
    people[1].consent_contact = True
    db.session.commit()
    page = client.get(f"/r/{people[0].token}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    [card] = vobject.readComponents(client.get(f"/r/{people[0].token}/kontakte.vcf").get_data(as_text=True))
    assert card.fn.value == "<script>alert(1)</script>; Evil,Name"


def test_cancelled_and_absent_people_see_no_contacts_and_no_results(client, published_meeting):
    meeting, people = held_meeting(published_meeting, no_show=(1,))
    meeting.blocks[1].cafe_tables[0].harvest_notes = ["Kita-Plätze fehlen"]
    people[0].status = "cancelled"
    db.session.commit()
    for person in people[:2]:
        page = client.get(f"/r/{person.token}").get_data(as_text=True)
        assert "Wen Sie getroffen haben" not in page and "Kita-Plätze fehlen" not in page
        assert client.get(f"/r/{person.token}/kontakte.vcf").status_code == 404
    assert "Kita-Plätze fehlen" in client.get(f"/r/{people[2].token}").get_data(as_text=True)


def test_thank_you_mail_after_the_meeting(logged_in, published_meeting, outbox):
    meeting, people = held_meeting(published_meeting, no_show=(5,))
    people[3].locale = "en"
    meeting.blocks[1].cafe_tables[0].harvest_notes = ["Kita-Plätze fehlen"]
    db.session.commit()
    preview = logged_in.get("/organisation/treffen/ablauf/post/vorschau?kind=followup").get_data(as_text=True)
    assert "Danke für Ihre Teilnahme: 3. Netzwerktreffen Migration" in preview
    response = logged_in.post("/organisation/treffen/ablauf/post/dank-senden", data={"note": "Bis zum nächsten Mal, {name}!"})
    assert response.status_code == 302
    mails = outbox()
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == [f"person{k}@example.org" for k in range(5)]
    anna = next(m for m in mails if "person0@" in m["To"])
    text = anna.get_body(("plain",)).get_content()
    assert "Sie haben 4 Personen getroffen. 2 davon geben Ihnen ihre Kontaktdaten." in text  # Tarek did not come
    assert "Die Ergebnisse eines Café-Tisches sind aufgeschrieben." in text
    assert "Bis zum nächsten Mal, Anna Weber!" in text and f"/r/{people[0].token}" in text
    assert "person1@example.org" not in text  # addresses stay on the personal page
    grace = next(m for m in mails if "person3@" in m["To"])
    assert grace["Subject"].startswith("Thank you")
    # sending again queues nobody twice
    logged_in.post("/organisation/treffen/ablauf/post/dank-senden", data={"note": ""})
    assert len(outbox()) == 5


def test_thank_you_mail_not_before_the_end(logged_in, published_meeting, outbox):
    published_meeting()  # next month
    response = logged_in.post("/organisation/treffen/ablauf/post/dank-senden", data={"note": ""},
                              follow_redirects=True)
    assert "erst nach dem Ende des Treffens" in response.get_data(as_text=True)
    assert outbox() == []



def test_who_is_coming_lists_only_those_who_agreed(client, published_meeting):
    import io

    from pypdf import PdfReader

    from netzwerktreffen.day import printing
    meeting = published_meeting()
    people = sorted(meeting.registrations, key=lambda r: r.id)
    for k, person in enumerate(people):
        person.consent_listing = k in (1, 2, 4)
    people[4].status = "cancelled"
    db.session.commit()
    page = client.get(f"/r/{people[0].token}").get_data(as_text=True)
    section = page.split('id="teilnehmende"', 1)[1].split("</details>", 1)[0]
    assert "2 Personen stehen auf der Liste" in section
    assert "Olena Kovalenko" in section and "Mehmet Kaya" in section
    assert "Anna Weber" not in section and "Sabine Wolf" not in section  # did not agree; cancelled
    # sectors along the process chain: the language school before the chamber
    assert section.index("Sprachschule/VHS") < section.index("IHK/HWK")
    assert 'id="teilnehmende"' not in client.get(f"/r/{people[4].token}").get_data(as_text=True)
    with client.application.test_request_context():
        pdf = printing.render_pdf(meeting, "teilnehmende")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Olena Kovalenko" in text and "Mehmet Kaya" in text and "Anna Weber" not in text
