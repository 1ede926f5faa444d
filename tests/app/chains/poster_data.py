"""A meeting with a process chain and people marking the stations where they act (the chains tests' data)."""
from __future__ import annotations

from netzwerktreffen.core.chains import ChainStation, ProcessChain, StationRole
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED

STATIONS = ["Ankunft", "Sprache", "Beratung", "Anerkennung", "Arbeit"]

# name, e-mail, organisation, sector, role, shares contact, {station: offer}
PEOPLE = [
    ("Jürgen Müller-Lüdenscheidt", "juergen@sprachschule.example", "Sprachschule Ölsnitz & Söhne", "sprachschule",
     "Kursleitung Integrationskurse", True, {"Sprache": "Integrationskurse B1, auch abends"}),
    ("Ayşe Yılmaz", "ayse@jobcenter.example", "Jobcenter Stendal", "jobcenter", "Integrationsfachkraft", True,
     {"Beratung": "Beratung zu Leistungen", "Arbeit": "Vermittlung in Arbeit"}),
    ("Karl Verborgen", "karl.verborgen@beratung.example", "Migrationsberatung Süd", "migrationsberatung",
     "Berater", False, {"Ankunft": "Erstberatung in Arabisch", "Beratung": ""}),
    ("Heimlich Kollegin", "heimlich@jobcenter.example", "Jobcenter  Stendal", "jobcenter", "", False,
     {"Beratung": "Beratung zu Leistungen"}),
    ("Storniert Person", "storniert@kammer.example", "IHK Magdeburg", "kammer", "", True,
     {"Anerkennung": "Anerkennungsberatung"}),
]
SHARING = ["Jürgen Müller-Lüdenscheidt", "Ayşe Yılmaz"]
HIDDEN = ["Karl Verborgen", "karl.verborgen@beratung.example", "Heimlich Kollegin", "heimlich@jobcenter.example"]


def add_chain(meeting, name="Integration von Geflüchteten in Arbeit", stations=STATIONS, position=0):
    chain = ProcessChain(name=name, position=position,
                         stations=[ChainStation(name=s, position=k, description=f"Schritt {k + 1}")
                                   for k, s in enumerate(stations)])
    meeting.chains.append(chain)
    db.session.commit()
    return chain


def chain_meeting(make_meeting, make_registration, organiser, slug="kette", people=PEOPLE, roles=True):
    """The meeting with one chain; each of ``people`` registered, marking their stations (``roles``);
    the last one cancelled."""
    meeting = make_meeting(slug=slug, organisers=[organiser], blocks=False)
    chain = add_chain(meeting)
    by_name = {s.name: s for s in chain.stations}
    for name, email, organisation, sector, role, shares, stations in people:
        person = make_registration(meeting, name=name, email=email, organisation=organisation, sector=sector,
                                   role=role, consent_contact=shares)
        if roles:
            person.stations.extend(StationRole(station=by_name[s], offer=offer) for s, offer in stations.items())
    meeting.registrations[-1].status = CANCELLED
    db.session.commit()
    return meeting
