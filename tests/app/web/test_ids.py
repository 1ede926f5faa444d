"""Ids in URLs: every organiser and public route with a number in it answers 404 for a number no row
can have (PostgreSQL refuses integers from 2**31 on: that was a 500), and rows of another meeting are
not found from this one."""
from __future__ import annotations

from werkzeug.routing.converters import AnyConverter, NumberConverter

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import Registration
from netzwerktreffen.web.common import MAX_ID, owned_or_404


def routes_with_ids(app):
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(rule._converters[name], NumberConverter) for name in rule.arguments)]


def url_for_rule(rule, number, slug):
    def value(converter):
        if isinstance(converter, AnyConverter):  # one of a few words, e.g. "hoch"/"runter"
            return sorted(converter.items)[0]
        return number if isinstance(converter, NumberConverter) else slug
    values = {name: value(rule._converters[name]) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_big_ids_are_404_everywhere(app, logged_in, organiser, make_meeting):
    meeting = make_meeting(organisers=[organiser])
    rules = routes_with_ids(app)
    assert len(rules) >= 20  # the loop sees the app's id routes, not an empty list
    for number in (2**31, 2**31 + 7, 2**63, 10**30):
        for rule in rules:
            url = url_for_rule(rule, number, meeting.slug)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = logged_in.open(url, method=method)
                assert response.status_code == 404, f"{method} {url} ({rule.endpoint}) gave {response.status_code}"


def test_owned_or_404_checks_meeting_and_range(app, make_meeting, make_registration, organiser):
    from werkzeug.exceptions import NotFound
    here = make_meeting(slug="hier", organisers=[organiser])
    there = make_meeting(slug="dort", organisers=[organiser])
    person = make_registration(here, name="Jürgen Weiß", email="juergen@example.org")
    db.session.commit()
    with app.test_request_context():
        assert owned_or_404(Registration, person.id, here) is person
        for meeting, number in [(there, person.id), (here, MAX_ID + 1), (here, 0), (here, -3), (here, "1"),
                                (here, True), (here, person.id + 1000)]:
            try:
                owned_or_404(Registration, number, meeting)
            except NotFound:
                continue
            raise AssertionError(f"{number!r} in {meeting.slug} was found")
