"""Security headers: every page sends a strict Content-Security-Policy (no inline scripts or styles, which
no web template contains), framing and sniffing are off, pages behind a personal link send no referrer and
are not stored, and no log keeps a personal link's token."""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from served import free_port
from werkzeug.serving import make_server

import netzwerktreffen
from netzwerktreffen.chains.defaults import add_default_chains
from netzwerktreffen.core.extensions import db
from netzwerktreffen.meetings import programme
from netzwerktreffen.core.models import OutboxMessage

TEMPLATES = Path(netzwerktreffen.__file__).parent / "templates"
NOT_WEB_PAGES = ("print", "mail")  # WeasyPrint's PDFs and e-mails keep their own styles


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def assert_page_headers(response, referrer="strict-origin-when-cross-origin"):
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == referrer
    assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


def url_values(meeting, organiser) -> dict:
    """A value for every URL argument of the app's pages, taken from the published test meeting."""
    anna = min(meeting.registrations, key=lambda r: r.id)
    speed, cafe = meeting.blocks
    message = db.session.scalar(db.select(OutboxMessage).limit(1))
    return {
        "slug": meeting.slug, "token": anna.token, "registration_id": anna.id, "number": 1,
        "room_id": meeting.rooms[0].id, "table_id": meeting.rooms[0].tables[0].id, "block_id": speed.id,
        "cafe_table_id": cafe.cafe_tables[0].id, "sector_id": meeting.sectors[0].id if meeting.sectors else 1,
        "topic_id": meeting.topics[0].id if meeting.topics else 1, "organiser_id": organiser.id,
        "message_id": message.id if message else 1, "job_id": 1, "rule_id": 1, "kind": "raumplan", "filename": "style.css",
        "chain_id": meeting.chains[0].id if meeting.chains else 1,
        "station_id": meeting.chains[0].stations[0].id if meeting.chains else 1,
        "question_id": 1, "fmt": "pdf",
        "point_id": meeting.programme_points[0].id if meeting.programme_points else 1,
    }


def get_pages(app):
    """Every page (rule with GET) of the app with the arguments it takes."""
    return sorted((rule.endpoint, rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods)


def test_every_page_type_sends_the_security_headers(app, client, auth, published_meeting, organiser):
    meeting = published_meeting()
    add_default_chains(meeting)
    programme.add_point(meeting, {"kind": "talk", "title": "Begrüßung", "start_time": clock(9, 30), "minutes": 10})
    db.session.commit()
    auth.login()  # the schedules go out, so that a mail's page exists; then log out again
    client.post(f"/organisation/treffen/{meeting.slug}/post/ablauf-senden", data={"note": ""})
    auth.logout()
    values = url_values(meeting, organiser)
    assert values["message_id"] == db.session.scalar(db.select(OutboxMessage.id).limit(1))
    with app.test_request_context():
        from flask import url_for
        anna = min(meeting.registrations, key=lambda r: r.id)
        own_token = {"feeds.personal": dict(values, token=anna.feed_token),
                     "public.slip_plan": dict(values, token=anna.slip_token)}
        pages = [(endpoint, url_for(endpoint, **{arg: own_token.get(endpoint, values)[arg]
                                                 for arg in rule.arguments}))
                 for endpoint, rule in get_pages(app)]
    seen, ok = [], {"anonym": set(), "organiser": set()}
    for who in ("anonym", "organiser"):
        if who == "organiser":
            auth.login()
        for endpoint, url in pages:
            if url.endswith("/mail.html"):
                continue  # a mail's HTML for the preview frame: its own policy (test below)
            response = client.get(url)
            token_page = url.startswith(("/r/", "/laufzettel/", "/kalender/", "/passwort-neu/",
                                                  "/einladung/"))  # secret links
            assert_page_headers(response, "no-referrer" if token_page else "strict-origin-when-cross-origin")
            seen.append(endpoint)
            if response.status_code == 200:
                ok[who].add(endpoint)
    frames = {"mailing.preview_html", "mailing.show_html"}
    assert set(seen) == {endpoint for endpoint, _url in pages} - frames and len(seen) > 100
    assert {"public.index", "public.meeting", "public.personal", "auth.login", "feeds.personal",
            "host_harvest.host_edit", "public.slip_plan", "static"} <= ok["anonym"]
    assert not any(endpoint.startswith(("meetings.", "plans.", "checkin.", "chains.")) for endpoint in ok["anonym"])
    assert {"meetings.overview", "plans.show", "checkin.index", "registrations.index", "mailing.preview",
            "mailing.show", "projector.show", "meetings.room", "harvest.index", "chains.index",
            "chains.edit_station"} <= ok["organiser"]
    # error pages too
    assert_page_headers(client.get("/gibt-es-nicht"))
    assert client.get("/gibt-es-nicht").status_code == 404


def test_a_mails_html_is_shown_from_its_own_address_with_its_own_policy(logged_in, published_meeting):
    meeting = published_meeting()
    grace = next(r for r in meeting.registrations if r.name == "Grace Mensah")
    base = f"/organisation/treffen/{meeting.slug}/post"
    page = logged_in.get(f"{base}/vorschau?kind=schedule&person={grace.id}&note=Hallo+{{name}}")
    frame = re.search(r'<iframe class="mail-frame"[^>]* sandbox="" src="([^"]+)"', page.get_data(as_text=True))
    assert "srcdoc" not in page.get_data(as_text=True)
    mail = logged_in.get(frame[1].replace("&amp;", "&"))
    assert mail.status_code == 200 and mail.mimetype == "text/html"
    assert "Guten Tag Grace Mensah" in mail.get_data(as_text=True)
    assert "Hallo Grace Mensah" in mail.get_data(as_text=True)
    policy = directives(mail)
    assert policy == {"default-src": "'none'", "style-src": "'unsafe-inline'", "img-src": "data:",
                      "base-uri": "'none'", "form-action": "'none'", "frame-ancestors": "'self'"}
    assert mail.headers["X-Frame-Options"] == "SAMEORIGIN"
    # a note the form refuses gives no mail either
    assert logged_in.get(f"{base}/vorschau/mail.html?kind=schedule&person={grace.id}&note={{vorname}}"
                         ).status_code == 404
    # a sent mail's page frames the stored HTML the same way
    logged_in.post(f"{base}/ablauf-senden", data={"note": ""})
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.body_html != "").limit(1))
    page = logged_in.get(f"{base}/nachricht/{message.id}").get_data(as_text=True)
    assert f'src="{base}/nachricht/{message.id}/mail.html"' in page
    stored = logged_in.get(f"{base}/nachricht/{message.id}/mail.html")
    assert stored.get_data(as_text=True) == message.body_html
    assert directives(stored)["style-src"] == "'unsafe-inline'"
    # only for organisers of the meeting
    logged_in.post("/logout")
    assert logged_in.get(f"{base}/nachricht/{message.id}/mail.html").status_code == 302
    assert logged_in.get(f"{base}/vorschau/mail.html?kind=schedule&person={grace.id}").status_code == 302


INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "a style attribute": re.compile(r"\sstyle=", re.I),
    "a <style> block": re.compile(r"<style\b", re.I),
    "an inline event handler": re.compile(r"<[^>]*\son[a-z]+=", re.I),
    "a javascript: link": re.compile(r"javascript:", re.I),
}


def inline_code(path: Path) -> list[str]:
    text = path.read_text()
    return [f"{path.relative_to(TEMPLATES)}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]


def test_no_web_template_has_inline_scripts_or_styles():
    web, other = [], []
    for path in sorted(TEMPLATES.rglob("*.html")):
        (other if path.relative_to(TEMPLATES).parts[0] in NOT_WEB_PAGES else web).append(path)
    assert len(web) > 50
    assert [finding for path in web for finding in inline_code(path)] == []
    # the check finds them where they are allowed (the PDFs' and mails' own styles)
    assert any("a <style> block" in finding for path in other for finding in inline_code(path))


def test_pages_behind_a_personal_link_send_no_referrer_and_are_not_stored(client, published_meeting):
    meeting = published_meeting()
    anna = min(meeting.registrations, key=lambda r: r.id)
    table = meeting.blocks[1].cafe_tables[0]
    for url in (f"/r/{anna.token}", f"/r/{anna.token}/danke", f"/r/{anna.token}/absagen",
                f"/r/{anna.token}/ernte/{table.id}", f"/r/{anna.token}/kontakte.vcf",
                f"/kalender/{anna.feed_token}.ics", "/r/unbekannt", "/kalender/unbekannt.ics"):
        response = client.get(url)
        assert response.headers["Referrer-Policy"] == "no-referrer", url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "Content-Security-Policy" in response.headers
    assert client.get(f"/r/{anna.token}").status_code == 200
    assert client.get(f"/kalender/{anna.feed_token}.ics").status_code == 200
    public = client.get(f"/m/{meeting.slug}")
    assert public.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "no-store" not in public.headers.get("Cache-Control", "")


class TestOverHttps:
    @pytest.fixture
    def app_config(self):
        return {"HTTPS": True}

    def test_https_sends_hsts_and_http_is_redirected(self, client):
        secure = client.get("/login", base_url="https://localhost")
        assert secure.status_code == 200
        max_age, subdomains = secure.headers["Strict-Transport-Security"].split("; ")
        assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600 and subdomains == "includeSubDomains"
        assert "unsafe-inline" not in secure.headers["Content-Security-Policy"]
        plain = client.get("/login")
        assert plain.status_code == 302 and plain.location == "https://localhost/login"
        assert client.application.config["SESSION_COOKIE_SECURE"] is True


def test_the_dev_servers_log_masks_personal_links(app, published_meeting, caplog):
    meeting = published_meeting()
    anna = min(meeting.registrations, key=lambda r: r.id)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in (f"/r/{anna.token}", f"/kalender/{anna.feed_token}.ics", f"/r/{anna.token}/danke?x=1"):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                assert response.status == 200
    finally:
        server.shutdown()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    logged = "\n".join(lines)
    assert '"GET /r/*** HTTP/1.1" 200' in logged and '"GET /kalender/***.ics HTTP/1.1" 200' in logged
    assert '"GET /r/***/danke?x=1 HTTP/1.1" 200' in logged
    assert anna.token not in logged and anna.feed_token not in logged


def test_gunicorns_logger_masks_personal_links(tmp_path):
    from gunicorn.config import Config
    from netzwerktreffen.web.access_log import MaskingGunicornLogger
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("access_log_format", '%(r)s %(U)s %(f)s %({referer}i)s %({raw_uri}e)s %(s)s')
    logger = MaskingGunicornLogger(config)
    token = "geheimes-token_123"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/r/{token}/ernte/4", "PATH_INFO": f"/r/{token}/ernte/4",
               "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "", "HTTP_REFERER": f"https://x.example/kalender/{token}.ics"}
    request = SimpleNamespace(headers=[("REFERER", f"https://x.example/r/{token}")])
    logger.access(SimpleNamespace(status="200 OK", sent=12, headers=[]), request, environ, timedelta(seconds=1))
    logged = (tmp_path / "access.log").read_text()
    assert logged.strip() == ("GET /r/***/ernte/4 HTTP/1.1 /r/***/ernte/4 https://x.example/kalender/***.ics "
                              "https://x.example/r/*** /r/***/ernte/4 200")
    logger.error("Error handling request %s", f"/r/{token}")  # gunicorn's error log masks them too
    errors = (tmp_path / "error.log").read_text()
    assert "Error handling request /r/***" in errors and token not in errors



@pytest.mark.slow
def test_gunicorn_reads_the_projects_config_and_masks_its_access_log(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite'}", SECRET_KEY="prod-test")
    root = Path(netzwerktreffen.__file__).parent.parent
    subprocess.run([sys.executable, "-m", "flask", "--app", "netzwerktreffen", "db", "upgrade"], env=env,
                   check=True, capture_output=True, timeout=120, cwd=root)
    port, log = free_port(), tmp_path / "access.log"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                               "--access-logfile", str(log), "netzwerktreffen:create_app()"],
                              env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    token = "das-geheime-token-im-link"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/r/{token}", timeout=5)
            except urllib.error.HTTPError as error:
                assert error.code == 404
                assert error.headers["Cache-Control"] == "private, no-store"
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    pytest.fail("gunicorn did not answer: " + server.stdout.read().decode()[-2000:])
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
    logged = log.read_text()
    assert '"GET /r/*** HTTP/1.1" 404' in logged and token not in logged


def test_every_kind_of_secret_link_is_masked_in_logs():
    from netzwerktreffen.web.access_log import is_token_path, mask_tokens
    line = ('127.0.0.1 - - "GET /r/AbC-123_x/ernte/4 HTTP/1.1" 200 "GET /kalender/Zz9.ics" '
            '"POST /passwort-neu/tok3n HTTP/1.1" "GET /einladung/inv1te?x=1" "GET /m/demo HTTP/1.1"')
    masked = mask_tokens(line)
    assert not any(secret in masked for secret in ("AbC-123_x", "Zz9", "tok3n", "inv1te"))
    assert "/r/***/ernte/4" in masked and "/passwort-neu/***" in masked and "/einladung/***?x=1" in masked
    assert "/m/demo" in masked
    assert is_token_path("/einladung/abc") and not is_token_path("/m/demo")
