"""The projector's agenda: today's blocks and rounds with their start and end, and who sits where, and the
programme points (``kind: "programme"``) in order with them.

The round clock (``projector_views`` and ``static/projector.js``) reads it as ``ablauf.json``.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import pgettext

from netzwerktreffen.core.i18n import BERLIN, local_now
from netzwerktreffen.core.models import Meeting
from netzwerktreffen.day.printing import PrintPlan
from netzwerktreffen.planning import scheduler_io as scheduling


def epoch_ms(day, clock) -> int:
    """A local (Europe/Berlin) date and time as milliseconds since the epoch, for the browser's clock."""
    return int(datetime.combine(day, clock, tzinfo=BERLIN).timestamp() * 1000)


def agenda(meeting: Meeting, day=None) -> dict:
    """Blocks and rounds with start and end (today's date unless ``day``), and the spots of each round."""
    day = day or local_now().date()
    version = scheduling.published(meeting)
    plan = PrintPlan(meeting, version)
    rounds = []
    for block in meeting.blocks:
        times = block.round_times()
        for r, (start, end) in enumerate(times):
            spots = []
            if version is not None:
                layout = plan.layout(block, r)
                for spot in layout.spots:
                    spots.append({"label": spot.number, "question": spot.question,
                                  "names": [p.name for p in spot.people]})
                if layout.paused:  # who sits this round out finds their name too
                    spots.append({"label": pgettext("Runde", "Pause"), "question": "",
                                  "names": [p.name for p in layout.paused]})
            rounds.append({"block": block.title, "kind": block.kind, "round": r + 1, "rounds": block.rounds,
                           "start": epoch_ms(day, start), "end": epoch_ms(day, end),
                           "question": (block.guiding_questions[r] if block.is_cafe and block.guiding_questions
                                        and r < len(block.guiding_questions) else ""),
                           "spots": spots})
    for point in meeting.programme_points:  # talks, breaks, open exchange: in order with the rounds, no spots
        rounds.append({"block": point.display_title, "kind": "programme", "programme": point.kind_label,
                       "who": point.who, "round": None, "rounds": None,
                       "start": epoch_ms(day, point.start_time), "end": epoch_ms(day, point.end_time),
                       "question": "", "spots": []})
    rounds.sort(key=lambda row: (row["start"], row["kind"] != "programme"))
    return {"title": meeting.display_title, "date": day.isoformat(), "version": version.number if version else None,
            "rounds": rounds}
