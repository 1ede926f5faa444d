"""Neighbouring stations of a chain are complementary: the instance gives them one offer-need match, the
"why these two" page names the handover, and no page shows the internal keys."""
from __future__ import annotations

import re
from datetime import time

import scheduler
from scheduler.values import PairValues

from chain_helpers import TRAINING, WORK, chain_meeting, station  # noqa: F401 (fixture)
from netzwerktreffen.chains import service as chains
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import SPEED, Block
from netzwerktreffen.planning import quality
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.chain_topics import handover_names

KEY = re.compile(r"kette:\d+:\d+")
HANDOVER = f"Übergabe in der Prozesskette „{WORK}“: Sprache → Beratung"


def speed_meeting(chain_meeting):
    meeting = chain_meeting(blocks=False)
    speed = Block(kind=SPEED, title="Speed Networking", position=0, start_time=time(10, 0), rounds=1,
                  minutes_per_round=6, changeover_minutes=2, group_size=2)
    meeting.blocks.append(speed)
    db.session.commit()
    return meeting, speed


def people_at(meeting, make_registration, *marks):
    """One person per entry: a list of (chain, station) they act at."""
    return [make_registration(meeting, name=f"Person {k}", sector="sprachschule", organisation=f"VHS {k}",
                              blocks=list(meeting.blocks),
                              stations=[(station(meeting, chain, name), "") for chain, name in stations])
            for k, stations in enumerate(marks)]


def chain_value(instance, a, b):
    """The offer-need part of s(a, b), in matches."""
    parsed = scheduler.Instance.from_dict(instance)
    return PairValues(parsed).s(scheduling.participant_id(a), scheduling.participant_id(b))


def test_neighbouring_stations_get_one_match_forward(chain_meeting, make_registration):
    meeting, _speed = speed_meeting(chain_meeting)
    language, counselling, recognition, same, training, last = people_at(
        meeting, make_registration, [(WORK, "Sprache")], [(WORK, "Beratung")], [(WORK, "Anerkennung")],
        [(WORK, "Sprache")], [(TRAINING, "Beratung")], [(WORK, "Arbeit")])
    instance = scheduling.build_instance(meeting)
    rows = {p["id"]: p for p in instance["participants"]}
    row = rows[scheduling.participant_id(language)]
    work = meeting.chains[1]
    sprache, beratung = station(meeting, WORK, "Sprache"), station(meeting, WORK, "Beratung")
    assert row["offers"] == [f"kette:{work.id}:{sprache.id}"] and row["needs"] == [f"kette:{work.id}:{beratung.id}"]
    assert rows[scheduling.participant_id(counselling)]["offers"] == [f"kette:{work.id}:{beratung.id}"]
    assert rows[scheduling.participant_id(last)]["needs"] == []  # the end of the chain needs nobody after it
    weight = instance["weights"].get("offer_need", scheduler.Weights().offer_need)
    sector_only = chain_value(instance, language, same)  # the same sector, the same station: no match
    assert chain_value(instance, language, counselling) - sector_only == weight
    assert chain_value(instance, counselling, recognition) - sector_only == weight
    assert chain_value(instance, language, recognition) == sector_only  # two stations apart
    assert chain_value(instance, language, training) == sector_only  # another chain's counselling


def test_why_names_the_handover_and_never_the_key(chain_meeting, make_registration, logged_in):
    meeting, speed = speed_meeting(chain_meeting)
    a, b = people_at(meeting, make_registration, [(WORK, "Sprache"), (TRAINING, "Schule")], [(WORK, "Beratung")])
    instance = scheduling.build_instance(meeting)
    pa, pb = scheduling.participant_id(a), scheduling.participant_id(b)
    reason = quality.why(instance, pb, pa, handover_names(meeting))
    assert reason.handovers == [HANDOVER]
    assert reason.offers_to_needs == reason.needs_from_offers == reason.shared_topics == []
    plan = {"format": scheduling.PLAN_FORMAT, "blocks": [{"id": scheduling.block_key(speed), "rounds": [[[pa, pb]]]}]}
    version = planning.store_version(meeting, instance, plan, source="import")
    base = f"/organisation/treffen/{meeting.slug}/plan/v{version.number}"
    pages = [logged_in.get(url).get_data(as_text=True) for url in (
        f"{base}/warum?a={pa}&b={pb}", base, f"{base}/person/{a.id}")]
    assert HANDOVER in pages[0] and "Nachbarn in der Prozesskette" in pages[0]
    assert [k for k, page in enumerate(pages) if KEY.search(page)] == []
    # a station deleted since the plan was made: a sentence, not the key
    db.session.delete(station(meeting, WORK, "Beratung").roles[0])
    db.session.commit()
    chains.delete_station(station(meeting, WORK, "Beratung"))
    page = logged_in.get(f"{base}/warum?a={pa}&b={pb}").get_data(as_text=True)
    assert "Übergabe in einer Prozesskette, die inzwischen geändert wurde" in page and not KEY.search(page)
