"""Accounts without the command line: invitations to a meeting's team, password reset by e-mail, and the
rules for passwords."""
from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from conftest import PASSWORD
from waiting import wait_until
from netzwerktreffen.accounts import service
from netzwerktreffen.accounts.passwords import MIN_LENGTH, common_passwords, password_problem
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import SENT, AccountLink, Meeting, Organiser, OutboxMessage, utcnow
from netzwerktreffen.web.auth import find_organiser

TEAM = "/organisation/treffen/treffen/team"
NEW_PASSWORD = "Apfelbaum-im-Oktober"


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """A cheap password hash: what is tested here is which password an account has, not the hash's cost."""
    from functools import partial

    from werkzeug.security import generate_password_hash
    monkeypatch.setattr("netzwerktreffen.core.models.generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1000"))


def text(response) -> str:
    return response.get_data(as_text=True)


def link_in(message, path: str) -> str:
    """The path of the one-time link (``/einladung/…`` or ``/passwort-neu/…``) in the mail's text part."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(r"http://netzwerktreffen\.test(" + re.escape(path) + r"[A-Za-z0-9_\-]+)", body)
    assert len(found) == 1, body
    return found[0]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- Invitations ---------------------------------------------------------------------------------------


def test_invitation_makes_an_account_that_joins_the_team_and_works_once(app, client, logged_in, organiser,
                                                                      make_meeting, outbox):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(TEAM, data={"email": " Kollegin@Landkreis.example "}, follow_redirects=True)
    assert response.status_code == 200
    assert "Einladung an kollegin@landkreis.example geschickt" in text(response)
    assert "Eingeladen, noch nicht angenommen" in text(response)
    assert [link.email for link in service.open_invitations(meeting)] == ["kollegin@landkreis.example"]

    mails = outbox()
    assert [m["To"] for m in mails] == ["kollegin@landkreis.example"]
    assert "Einladung ins Organisationsteam: 3. Netzwerktreffen Migration" == mails[0]["Subject"]
    path = link_in(mails[0], "/einladung/")
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(AccountLink))
    assert token not in (stored.token_hash, stored.email) and stored.token_hash == service.digest(token)
    assert timedelta(days=6, hours=23) < stored.expires_at - utcnow() <= timedelta(days=7)

    logged_in.post("/logout")
    page = client.get(path)
    assert page.status_code == 200 and "Ihr Name" in text(page)
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]
    assert find_organiser("kollegin@landkreis.example") is None  # GET writes nothing

    weak = client.post(path, data={"name": "Kim Kollegin", "password": "passwort", "confirm": "passwort"})
    assert weak.status_code == 400 and f"mindestens {MIN_LENGTH} Zeichen" in text(weak)
    response = client.post(path, data={"name": "Kim Kollegin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/organisation/treffen/treffen"
    assert client.get("/organisation/treffen/treffen").status_code == 200  # logged in, in the team

    db.session.expire_all()
    colleague = find_organiser("kollegin@landkreis.example")
    assert colleague.name == "Kim Kollegin" and colleague.check_password(NEW_PASSWORD)
    assert {o.email for o in db.session.get(Meeting, meeting.id).organisers} == {organiser.email, colleague.email}

    client.post("/logout")
    again = client.post(path, data={"name": "Jemand", "password": "Noch-ein-Passwort-9", "confirm": "Noch-ein-Passwort-9"})
    assert again.status_code == 410 and "schon benutzt" in text(again)
    assert client.get(path).status_code == 410
    db.session.expire_all()
    assert find_organiser("kollegin@landkreis.example").check_password(NEW_PASSWORD)
    assert count(Organiser) == 2


def test_an_address_with_an_account_is_added_at_once_without_mail(logged_in, organiser, make_meeting,
                                                                   make_organiser, outbox):
    meeting = make_meeting(organisers=[organiser])
    colleague = make_organiser("bob@example.org", name="Bob")
    response = logged_in.post(TEAM, data={"email": "BOB@example.org"}, follow_redirects=True)
    assert "Bob gehört jetzt zum Organisationsteam" in text(response)
    assert colleague in db.session.get(Meeting, meeting.id).organisers
    assert outbox() == [] and count(AccountLink) == 0


def test_an_expired_invitation_is_explained_and_makes_no_account(client, logged_in, organiser, make_meeting,
                                                                 outbox):
    make_meeting(organisers=[organiser])
    logged_in.post(TEAM, data={"email": "spaet@example.org"})
    path = link_in(outbox()[0], "/einladung/")
    db.session.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    logged_in.get(TEAM)  # shows the flash about the invitation sent
    assert "Eingeladen, noch nicht angenommen" not in text(logged_in.get(TEAM))
    logged_in.post("/logout")
    for response in (client.get(path), client.post(path, data={"name": "Spät", "password": NEW_PASSWORD,
                                                               "confirm": NEW_PASSWORD})):
        assert response.status_code == 410
        assert "Dieser Link ist abgelaufen (gültig bis " in text(response) and " Uhr)" in text(response)
    assert find_organiser("spaet@example.org") is None
    assert client.get("/einladung/" + "x" * 43).status_code == 404


def test_invitation_to_an_address_that_has_an_account_by_now_keeps_its_password(client, logged_in, organiser,
                                                                               make_meeting, make_organiser, outbox):
    meeting = make_meeting(organisers=[organiser])
    logged_in.post(TEAM, data={"email": "spaeter@example.org"})
    path = link_in(outbox()[0], "/einladung/")
    logged_in.post("/logout")
    make_organiser("spaeter@example.org", password=PASSWORD, name="Später")
    page = client.get(path)
    assert "gibt es schon ein Konto" in text(page) and "Ihr Name" not in text(page)
    response = client.post(path, data={})
    assert response.status_code == 302 and response.location.startswith("/login")
    db.session.expire_all()
    later = find_organiser("spaeter@example.org")
    assert later in db.session.get(Meeting, meeting.id).organisers and later.check_password(PASSWORD)


@pytest.fixture
def server(app):
    """The app behind a real threaded HTTP server on 127.0.0.1 (both databases)."""
    from werkzeug.serving import make_server
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_a_link_is_used_once_even_by_parallel_requests(server, logged_in, organiser, make_meeting, outbox):
    """Eight browsers send the invitation form at the same moment: one account, one success."""
    import urllib.error
    import urllib.parse
    import urllib.request
    make_meeting(organisers=[organiser])
    logged_in.post(TEAM, data={"email": "parallel@example.org"})
    path = link_in(outbox()[0], "/einladung/")
    db.session.remove()
    start, statuses = threading.Barrier(8), []
    body = urllib.parse.urlencode({"name": "Parallel", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def accept():
        opener = urllib.request.build_opener(NoRedirect)
        start.wait()
        try:
            with opener.open(server + path, data=body, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [410] * 7
    assert db.session.scalar(select(func.count()).select_from(Organiser)
                             .where(Organiser.email == "parallel@example.org")) == 1


def test_deleting_the_meeting_deletes_its_invitations(logged_in, organiser, make_meeting, outbox):
    from netzwerktreffen.meetings import service as meetings
    meeting = make_meeting(organisers=[organiser])
    logged_in.post(TEAM, data={"email": "weg@example.org"})
    assert count(AccountLink) == 1
    meetings.delete_meeting(meeting)
    assert count(AccountLink) == 0


# -- Password reset ------------------------------------------------------------------------------------


@pytest.fixture
def reset_log(caplog):
    """What the background reset task logged: it runs in the worker thread, after the answer was sent."""
    caplog.set_level(logging.INFO, logger="netzwerktreffen.accounts.service")

    def done(count: int) -> list[str]:
        def messages():
            found = [r.getMessage() for r in caplog.records if r.getMessage().startswith("password reset")]
            return found if len(found) >= count else None
        return wait_until(messages, what=f"{count} password reset task(s)")
    return done


def mails_to_arrive(outbox, count: int) -> list:
    """The mails, once ``count`` of them are sent (their files are written before the row says so)."""
    wait_until(lambda: db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                         .where(OutboxMessage.status == SENT)) >= count,
               what=f"{count} mail(s) sent")
    return outbox()


def test_password_reset_by_mail(client, organiser, outbox):
    assert 'href="/passwort-vergessen"' in text(client.get("/login"))
    response = client.post("/passwort-vergessen", data={"email": "ORGA@example.org"})
    assert response.status_code == 200 and "Bitte sehen Sie in Ihr Postfach" in text(response)
    mails = mails_to_arrive(outbox, 1)
    assert [m["To"] for m in mails] == ["Orga <orga@example.org>"]
    assert mails[0]["Subject"] == "Neues Passwort für netzwerktreffen"
    path = link_in(mails[0], "/passwort-neu/")
    stored = db.session.scalar(select(AccountLink))
    assert timedelta(minutes=59) < stored.expires_at - utcnow() <= timedelta(minutes=60)

    common = client.post(path, data={"password": "1234567890", "confirm": "1234567890"})
    assert common.status_code == 400 and "häufigsten Passwörter" in text(common)
    own_address = client.post(path, data={"password": "orga@example.org", "confirm": "orga@example.org"})
    assert own_address.status_code == 400 and "E-Mail-Adresse" in text(own_address)
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and "stimmen nicht überein" in text(mismatch)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/login"
    db.session.expire_all()
    assert find_organiser("orga@example.org").check_password(NEW_PASSWORD)
    assert client.post("/login", data={"email": "orga@example.org", "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": "orga@example.org", "password": NEW_PASSWORD}).status_code == 302
    used = client.post(path, data={"password": "Zweites-Passwort-77", "confirm": "Zweites-Passwort-77"})
    assert used.status_code == 410 and "schon benutzt" in text(used)


def test_unknown_address_gets_the_same_answer_after_the_same_work_and_no_mail(app, client, organiser, outbox,
                                                                            reset_log):
    """The answer, and what the request does before answering (its SQL statements: none, the lookup runs
    in the background), are the same for an address with and without an account."""
    from sqlalchemy import event
    statements: list[str] = []
    request_thread = threading.get_ident()

    def record(conn, cursor, statement, *args):
        if threading.get_ident() == request_thread:
            statements.append(statement)

    answers, work = {}, {}
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for address in ("orga@example.org", "orga@example.org.example"):
            statements.clear()
            response = client.post("/passwort-vergessen", data={"email": address})
            answers[address] = (response.status_code, text(response).replace(address, "ADDRESS"))
            work[address] = list(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert answers["orga@example.org"] == answers["orga@example.org.example"]
    assert answers["orga@example.org"][0] == 200
    assert work["orga@example.org"] == work["orga@example.org.example"]
    logged = reset_log(2)
    assert "password reset asked for an address without an account" in logged
    assert "password reset link sent to orga@example.org" in logged
    assert len(mails_to_arrive(outbox, 1)) == 1 and count(AccountLink) == 1


def test_an_account_gets_at_most_three_reset_mails_an_hour(client, organiser, outbox, reset_log):
    for done in range(1, 6):
        assert client.post("/passwort-vergessen", data={"email": "orga@example.org"}).status_code == 200
        logged = reset_log(done)
    assert sum("refused" in line for line in logged) == 2
    assert len(mails_to_arrive(outbox, 3)) == 3 and count(AccountLink) == 3


@pytest.mark.parametrize("app_config", [{"REDIS_URL": "redis://127.0.0.1:1/0"}])
def test_without_a_reachable_redis_the_web_process_sends_the_reset_mail(client, organiser, outbox, caplog):
    response = client.post("/passwort-vergessen", data={"email": "orga@example.org"})
    assert response.status_code == 200 and "Bitte sehen Sie in Ihr Postfach" in text(response)
    assert [m["To"] for m in mails_to_arrive(outbox, 1)] == ["Orga <orga@example.org>"]
    assert any("not queued in Redis" in r.getMessage() for r in caplog.records)


def test_an_expired_or_replaced_reset_link_is_refused(client, organiser, outbox):
    client.post("/passwort-vergessen", data={"email": "orga@example.org"})
    client.post("/passwort-vergessen", data={"email": "orga@example.org"})
    first, second = (link_in(m, "/passwort-neu/") for m in mails_to_arrive(outbox, 2))
    db.session.execute(update(AccountLink).where(AccountLink.token_hash == service.digest(first.rsplit("/", 1)[1]))
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = client.post(first, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert expired.status_code == 410 and "abgelaufen" in text(expired)
    assert client.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert find_organiser("orga@example.org").check_password(NEW_PASSWORD)


def test_setting_a_password_uses_up_the_open_reset_links(client, organiser, outbox):
    client.post("/passwort-vergessen", data={"email": "orga@example.org"})
    path = link_in(mails_to_arrive(outbox, 1)[0], "/passwort-neu/")
    service.set_password(organiser, "Ganz-anderes-Passwort-3")
    response = client.get(path)
    assert response.status_code == 410 and "schon benutzt" in text(response)


# -- The rules for passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize("password, refused", [
    ("kurz", True), ("123456789", True), ("qwertyuiop", True), ("QwertyUiop", True), ("Passwort123!", True),
    ("iloveyou12345", True), ("orga@example.org", True),
    ("Apfelbaum-im-Oktober", False), ("richtig-geheim-42", False), ("x" * 201, True),
])
def test_password_rules(app, password, refused):
    assert len(common_passwords()) > 1000
    assert (password_problem(password, "orga@example.org") is not None) is refused


def test_create_organiser_command_applies_the_rules(runner):
    result = runner.invoke(args=["create-organiser", "neu@example.org"], input="letmein123\nletmein123\n")
    assert result.exit_code != 0 and "häufigsten Passwörter" in result.output
    assert find_organiser("neu@example.org") is None


def test_inviting_again_sends_a_new_link_and_lists_the_address_once(logged_in, organiser, make_meeting, outbox):
    meeting = make_meeting(organisers=[organiser])
    logged_in.post(TEAM, data={"email": "zweimal@example.org"})
    logged_in.post(TEAM, data={"email": "zweimal@example.org"})
    first, second = (link_in(m, "/einladung/") for m in outbox())
    assert first != second
    assert [link.email for link in service.open_invitations(meeting)] == ["zweimal@example.org"]
    assert text(logged_in.get(TEAM)).count("zweimal@example.org –") == 1
