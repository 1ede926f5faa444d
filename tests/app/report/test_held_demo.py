"""`flask demo --held`: a demo meeting that has taken place, with its series' earlier meeting, for the report."""
from __future__ import annotations

from dates import berlin_today
from netzwerktreffen.core.models import Meeting
from netzwerktreffen.core.extensions import db
from netzwerktreffen.demo_held import create_held_demo
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.report.figures import meeting_report


def test_the_held_demo_has_what_the_report_shows(app):
    meeting = create_held_demo(participants=16, slug="gewesen", time_limit=2.0)
    earlier = db.session.scalar(db.select(Meeting).where(Meeting.slug == "gewesen-3"))
    assert meeting.date < berlin_today() and earlier.date < meeting.date
    assert (earlier.series_name, earlier.series_number, meeting.series_number) == (meeting.series_name, 3, 4)
    assert scheduling.published(meeting) and scheduling.published(earlier)
    report = meeting_report(meeting)
    came = report.attendance.came
    assert 0 < came <= 16 and report.attendance.checked_in == came
    # the same people were at the 3rd meeting: some pairs met again, most did not
    assert report.contacts.earlier_meetings == 1
    assert 0 < report.contacts.known_pairs < report.contacts.pairs
    assert report.suggestions and report.feedback.responses == came // 2
    assert 0 < report.cafe_filled < len(report.cafe) or len(report.cafe) < 4


def test_flask_demo_held_refuses_a_taken_name(runner, app):
    create_held_demo(participants=8, slug="gewesen", time_limit=1.0)
    result = runner.invoke(args=["demo", "--held", "--slug", "gewesen", "--participants", "8"])
    assert result.exit_code == 1 and "gibt es schon" in result.output
