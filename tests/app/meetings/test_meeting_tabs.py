"""Every organiser page of a meeting keeps the meeting's tab bar, with the current tab marked."""
from __future__ import annotations

import re
from datetime import time

from flask import current_app

from netzwerktreffen.chains.defaults import add_default_chains
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import OutboxMessage
from netzwerktreffen.day import print_jobs
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.meetings import programme
from netzwerktreffen.registration.questions import add_ready_set
from netzwerktreffen.core.coverage import CoverageRule
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning

# the tab each part of the address belongs to (the part after /organisation/treffen/<slug>/)
TAB_OF = {"": "overview", "bearbeiten": "overview", "ablauf": "blocks", "cafe-tische": "blocks",
          "raeume": "rooms", "tische": "rooms", "bereiche": "catalogue", "themen": "catalogue",
          "anmeldungen": "registrations", "plan": "plans", "post": "mailing", "tag": "day",
          "ernte": "harvest", "team": "team", "prozessketten": "chains",
          "wer-macht-was": "who", "fragen": "registrations",
          "ideen": "ideas", "naechstes-treffen": "overview", "bericht": "report"}
NOT_A_PAGE = {"projector.show", "projector.survey_start", "projector.survey"}  # full-screen projector pages
TAB_LABELS = {"overview": "Überblick", "blocks": "Ablauf", "rooms": "Räume & Tische",
              "catalogue": "Bereiche & Themen", "registrations": "Anmeldungen", "plans": "Rundenplan",
              "mailing": "Post", "day": "Am Tag", "harvest": "Café-Ernte", "team": "Organisationsteam",
              "chains": "Prozessketten",
              "who": "Wer macht was", "ideas": "Ideen", "report": "Bericht"}


def test_every_meeting_page_has_the_tabs_with_the_current_one_marked(published_meeting, logged_in):
    meeting = published_meeting()
    add_default_chains(meeting)
    db.session.commit()
    first = scheduling.published(meeting)
    people = [scheduling.participant_id(r) for r in sorted(meeting.registrations, key=lambda r: r.id)]
    second = planning.store_version(meeting, first.instance, planning.swap(
        first.plan, scheduling.block_key(meeting.blocks[0]), 0, people[3], people[5]), source="manual")
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    cafe = meeting.blocks[1]
    rule = CoverageRule(who_sectors=[meeting.sectors[0].key], meets_sectors=[meeting.sectors[1].key], at_least=1,
                        position=0)
    meeting.coverage_rules.append(rule)
    db.session.commit()
    question = add_ready_set(meeting)[0]
    point = programme.add_point(meeting, {"kind": "talk", "title": "Begrüßung", "start_time": time(9, 30),
                                          "minutes": 10})
    job = print_jobs.start(meeting, "<p>Namensschilder</p>", "namensschilder.pdf", "Namensschilder")
    values = {"job_id": job.id, "slug": meeting.slug, "block_id": cafe.id, "kind": "speed-networking", "registration_id": meeting.registrations[0].id,
              "sector_id": meeting.sectors[0].id, "topic_id": meeting.topics[0].id,
              "cafe_table_id": cafe.cafe_tables[0].id, "room_id": meeting.rooms[0].id,
              "table_id": meeting.rooms[0].tables[0].id, "number": first.number,
              "message_id": db.session.query(OutboxMessage.id).first()[0],
              "chain_id": meeting.chains[0].id, "station_id": meeting.chains[0].stations[0].id, "point_id": point.id,
              "question_id": question.id, "rule_id": rule.id, "fmt": "docx"}
    query = {"plans.why": {"a": people[0], "b": people[1]},
             "plans.compare": {"a": first.number, "b": second.number},
             "checkin.replanned": {"von": first.number, "nach": second.number}}
    checked = []
    prefix = "/organisation/treffen/<slug>"
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith(prefix) or "GET" not in rule.methods or rule.endpoint in NOT_A_PAGE:
            continue
        if rule.rule.endswith((".pdf", ".csv", ".json")) or rule.endpoint == "checkin.print_job_file":
            continue  # files
        if rule.endpoint == "plans.job_status":  # the progress bar's JSON (its job id is a number)
            continue
        assert not rule.arguments - values.keys(), rule.endpoint
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        response = logged_in.get(url, query_string=query.get(rule.endpoint, {}))
        assert response.status_code == 200, (rule.endpoint, response.status_code)
        if response.mimetype != "text/html" or rule.endpoint.endswith("_html"):
            continue  # files, JSON and the mails' own HTML shown in a frame
        page = response.get_data(as_text=True)
        section = rule.rule[len(prefix):].strip("/").split("/")[0]
        expected = TAB_LABELS[TAB_OF[section]]
        nav = re.search(r'<nav class="tabs"[^>]*>(.*?)</nav>', page, re.S)
        assert nav, f"{rule.endpoint} ({url}) has no tab bar"
        current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', nav.group(1))
        assert current == [expected], (rule.endpoint, current)
        checked.append(rule.endpoint)
    assert {"plans.index", "plans.show", "plans.person", "plans.why", "plans.compare", "mailing.index",
            "mailing.preview", "mailing.show", "checkin.replanned", "checkin.print_job", "registrations.index"} <= set(checked)
