"""The registration's write operations and reads on their own, without the pages."""
from __future__ import annotations

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED
from netzwerktreffen.registration import importing, queries, service
from netzwerktreffen.registration.service import RegistrationData


@pytest.fixture
def meeting(make_meeting, organiser):
    return make_meeting(organisers=[organiser], capacity=3)


def data(meeting, name="Telefon Anruferin", email="anruf@example.org"):
    return RegistrationData(name=name, email=email, organisation="Caritas", sector=meeting.sectors[0],
                            blocks=list(meeting.blocks))


def test_register_by_organiser_stores_commits_and_mails_when_asked(meeting, outbox):
    consent = service.organiser_consent("organiser", "orga@example.org")
    person = service.register_by_organiser(meeting, data(meeting), "en", consent)
    db.session.expire_all()
    assert person.status == CONFIRMED and person.locale == "en" and person.consent_version == consent
    assert queries.consent_source(person.consent_version).endswith("(orga@example.org), von dort eingetragen")
    [message] = outbox()
    assert message["To"].addresses[0].addr_spec == "anruf@example.org"
    quiet = service.register_by_organiser(meeting, data(meeting, "Zweite Person", "zwei@example.org"), "de",
                                          consent, send_confirmation=False)
    assert quiet.id and len(outbox()) == 1


def test_register_by_organiser_with_a_taken_address_stores_nothing(meeting, make_registration, outbox):
    make_registration(meeting, name="Schon Da", email="anruf@example.org")
    with pytest.raises(service.AlreadyRegistered) as raised:
        service.register_by_organiser(meeting, data(meeting, email="Anruf@Example.org"), "de", "organiser:x")
    assert raised.value.registration.name == "Schon Da"
    db.session.expire_all()
    assert [p.name for p in meeting.registrations] == ["Schon Da"] and outbox() == []


def test_update_cancel_and_promote(meeting, make_registration, outbox):
    people = [make_registration(meeting) for _ in range(meeting.capacity + 1)]
    waiting = people[-1]
    assert waiting.status == WAITLISTED and queries.waitlist_position(waiting) == 1
    service.update_registration(waiting, data(meeting, name="Neuer Name", email=waiting.email))
    db.session.expire_all()
    assert waiting.name == "Neuer Name"
    with pytest.raises(service.AlreadyRegistered):
        service.update_registration(waiting, data(meeting, email=people[0].email))
    assert service.cancel_registration(people[0]) == [waiting]
    db.session.expire_all()
    assert people[0].status == CANCELLED and waiting.status == CONFIRMED
    assert queries.status_counts(meeting)[CONFIRMED] == meeting.capacity


def test_promote_beyond_capacity(meeting, make_registration, outbox):
    people = [make_registration(meeting) for _ in range(meeting.capacity + 1)]
    service.promote_registration(people[-1])
    db.session.expire_all()
    assert people[-1].status == CONFIRMED and queries.status_counts(meeting)[CONFIRMED] == meeting.capacity + 1


def test_import_stores_all_or_nothing(meeting):
    header = "Name;E-Mail;Organisation;Bereich\n"
    good = f"{header}Eva Import;eva@example.org;VHS;{meeting.sectors[0].key}\n".encode()
    result = importing.import_registrations(meeting, good, service.CLI_IMPORT)
    assert (result.imported, result.errors) == (1, [])
    assert queries.consent_source(meeting.registrations[0].consent_version).endswith("Kommandozeile übernommen")
    assert importing.import_summary(meeting, result) == [("1 Anmeldung importiert", "success")]
    bad = f"{header}Ohne Mail;;VHS;{meeting.sectors[0].key}\nFritz;fritz@example.org;VHS;{meeting.sectors[0].key}\n"
    result = importing.import_registrations(meeting, bad.encode(), service.CLI_IMPORT)
    assert result.imported == 0 and result.errors
    db.session.expire_all()
    assert [p.name for p in meeting.registrations] == ["Eva Import"]


def test_import_without_a_stations_column_keeps_the_stations_of_a_reused_registration(meeting, make_registration):
    """A cancelled registration whose address comes again in a file is reused: a column the file does not
    have ("Stationen", like "Unbedingt treffen") leaves what is stored; an empty cell of a column it has
    clears it."""
    from netzwerktreffen.core.coverage import must_meet_text
    from netzwerktreffen.core.models import ChainStation, ProcessChain
    chain = ProcessChain(name="Integration in Arbeit", stations=[ChainStation(name="Ankunft", position=0),
                                                                 ChainStation(name="Sprache", position=1)])
    meeting.chains.append(chain)
    db.session.commit()
    eva = make_registration(meeting, name="Eva Import", email="eva@example.org", must_meet="Frau Wunsch",
                            stations=[(chain.stations[1], "Sprachkurse")])
    service.cancel_registration(eva)
    db.session.commit()
    sector = meeting.sectors[0].key
    without = f"Name;E-Mail;Organisation;Bereich\nEva Import;eva@example.org;VHS;{sector}\n".encode()
    result = importing.import_registrations(meeting, without, service.CLI_IMPORT)
    assert (result.imported, result.errors) == (1, [])
    db.session.expire_all()
    assert eva.status == CONFIRMED and eva.organisation == "VHS"
    assert [(role.station.name, role.offer) for role in eva.stations] == [("Sprache", "Sprachkurse")]
    assert must_meet_text(eva) == "Frau Wunsch"
    service.cancel_registration(eva)
    db.session.commit()
    empty = (f"Name;E-Mail;Organisation;Bereich;Stationen;Unbedingt treffen\n"
             f"Eva Import;eva@example.org;VHS;{sector};;\n").encode()
    result = importing.import_registrations(meeting, empty, service.CLI_IMPORT)
    assert (result.imported, result.errors) == (1, [])
    db.session.expire_all()
    assert eva.stations == [] and must_meet_text(eva) == ""
