"""Fixtures: the app on SQLite and, where reachable, again on PostgreSQL.

The schema is built once per database by the Alembic migrations (so the
migrations are tested too); each test then starts from empty tables.
Each test run gets its own PostgreSQL schema, so parallel runs on one server
do not disturb each other.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from datetime import time, timedelta

import pytest
from werkzeug.serving import make_server

from dates import FROZEN_AT, berlin_now, berlin_today
from debian import debian_tool
from netzwerktreffen import create_app
from netzwerktreffen.core.config import LIMITS
from netzwerktreffen.core.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "richtig-geheim-42"


def _postgres_reason() -> str | None:
    """None when PostgreSQL answers, else why the PostgreSQL runs are skipped."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {PG_URL} (set TEST_DATABASE_URL): {str(error).strip()[:200]}"


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgres") else url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    """A migrated, empty database for the whole session: (kind, URI, engine options)."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        options, schema = {}, None
    else:
        reason = _postgres_reason()
        if reason:
            pytest.skip(reason)
        import psycopg
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_URL, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        # the schema travels in the URL, so that worker processes started by tests find it too
        separator = "&" if "?" in PG_URL else "?"
        uri = _sqlalchemy_url(PG_URL) + f"{separator}options=-csearch_path%3D{schema}"
        options = {}
    app = _make_app(uri, options, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    yield request.param, uri, options
    if schema:
        import psycopg
        with psycopg.connect(PG_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _make_app(uri, options, tmp_path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "WTF_CSRF_ENABLED": False,
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "PRINT_DIR": str(tmp_path / "print"),
        "SMTP_HOST": "",
        "SMTP_TIMEOUT": 5,
        "MAIL_DELIVERY": "inline",  # queued mail is sent at once, within the request (tests/test_mail*.py use others)
        "BASE_URL": "http://netzwerktreffen.test",
        "SERVER_NAME": None,
        # throttling stays on, with room for tests that post many times; tests/app/web/test_throttling.py
        # sets the real limits
        **{key: "1000 per hour" for key in LIMITS},
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture
def app_config():
    """Override to change the test app's configuration (e.g. {"WTF_CSRF_ENABLED": True})."""
    return {}


@pytest.fixture
def app(database, tmp_path, app_config):
    kind, uri, options = database
    app = _make_app(uri, options, tmp_path, **app_config)
    app.config["DB_KIND"] = kind
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def redis_url():
    """A reachable Redis (TEST_REDIS_URL, default 127.0.0.1:6379), or the test is skipped with the reason."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means: skip with the reason
        pytest.skip(f"Redis not reachable at {url}: {error}")
    return url


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """The .eml files written so far, parsed, oldest first."""
    import email
    from email import policy
    from pathlib import Path

    def read():
        from netzwerktreffen.mail import outbox as mail_outbox
        mail_outbox.deliver_due()  # whatever is due is sent first, synchronously
        folder = Path(app.config["OUTBOX_DIR"])
        files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]
    return read


@pytest.fixture
def make_organiser(app):
    from netzwerktreffen.web.auth import create_organiser

    def make(email="orga@example.org", password=PASSWORD, name="Orga"):
        organiser = create_organiser(email, password, name)
        db.session.commit()
        return organiser
    return make


@pytest.fixture
def make_meeting(app):
    """A public meeting with the default catalogue, one room, a speed-networking and a café block."""
    from netzwerktreffen.core.defaults import add_default_catalogue, guiding_questions
    from netzwerktreffen.core.models import CAFE, SPEED, Block, Meeting, MeetingTable, Room

    def make(slug="treffen", organisers=(), capacity=50, blocks=True, **fields):
        values = dict(
            slug=slug, title="Netzwerktreffen Migration", series_name="Netzwerktreffen Migration",
            series_number=3, date=berlin_today() + timedelta(days=30), start_time=time(9, 30),
            end_time=time(13, 0), venue="Stadthalle Nürtingen", address="Heiligkreuzstraße 4\n72622 Nürtingen",
            capacity=capacity, languages=["de", "en"], contact_name="Sabrina Straub",
            contact_email="integration@lra.example", controller="Landratsamt Esslingen",
            is_public=True, registration_opens=berlin_now() - timedelta(days=1),
            registration_closes=berlin_now() + timedelta(days=20))
        values.update(fields)
        meeting = Meeting(**values)
        add_default_catalogue(meeting)
        meeting.organisers.extend(organisers)
        if blocks:
            room = Room(name="Saal", tables=[MeetingTable(number=n, seats=4) for n in range(1, 6)])
            meeting.rooms.append(room)
            meeting.blocks += [
                Block(kind=SPEED, title="Speed Networking", position=0, start_time=time(10, 0), rounds=6,
                      minutes_per_round=6, changeover_minutes=2, group_size=2, room=room),
                Block(kind=CAFE, title="Pro-Action-Café", position=1, start_time=time(11, 30), rounds=3,
                      minutes_per_round=25, changeover_minutes=5, guiding_questions=guiding_questions(3)),
            ]
        db.session.add(meeting)
        db.session.commit()
        return meeting
    return make


@pytest.fixture
def make_registration(app):
    from netzwerktreffen.registration.service import RegistrationData, new_registration

    counter = iter(range(1, 10_000))

    def make(meeting, name=None, email=None, organisation="Jobcenter Esslingen", sector="jobcenter", **fields):
        n = next(counter)
        sector_obj = next(s for s in meeting.sectors if s.key == sector)
        data = RegistrationData(name=name or f"Person {n}", email=email or f"person{n}@example.org",
                                organisation=organisation, sector=sector_obj, **fields)
        registration = new_registration(meeting, data, "de", "test")
        db.session.commit()
        return registration
    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="orga@example.org", password=PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def organiser(make_organiser):
    return make_organiser()


@pytest.fixture
def logged_in(client, auth, organiser):
    """A client logged in as ``organiser``."""
    response = auth.login()
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


class SMTPServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepted; can be stopped and started again."""

    def __init__(self):
        import socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.envelopes = []
        self.on_data = None  # optional hook(envelope) -> reply string (e.g. "550 ...") or None to accept
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            reply = self.on_data(envelope)
            if reply:
                return reply
        self.envelopes.append(envelope)
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self):
        import email
        from email import policy
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp_server(app):
    """A running SMTP server, and the app configured to send there (plain SMTP, short timeout)."""
    server = SMTPServer()
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_SECURITY="none", SMTP_TIMEOUT=5)
    yield server
    server.stop()


SCHEDULE_PEOPLE = [  # name, organisation, sector
    ("Anna Weber", "Jobcenter Esslingen", "jobcenter"),
    ("Olena Kovalenko", "VHS Esslingen", "sprachschule"),
    ("Mehmet Kaya", "IHK Region Stuttgart", "kammer"),
    ("Grace Mensah", "Afrikanischer Kulturverein", "migrantenorganisation"),
    ("Sabine Wolf", "Caritas MBE", "migrationsberatung"),
    ("Tarek Haddad", "Stadt Nürtingen", "kommune"),
]
SPEED_PAIRS = [[(0, 1), (2, 3), (4, 5)], [(0, 2), (1, 4), (3, 5)], [(0, 3), (1, 5), (2, 4)]]
CAFE_TABLES = [[[0, 2, 3], [1, 4, 5]], [[0, 4, 5], [1, 2, 3]]]  # per round, per table: host first


@pytest.fixture
def published_meeting(make_meeting, make_registration, organiser):
    """Six people, speed networking (3 rounds in pairs, room "Saal") and a café (2 tables, 2 rounds), published.

    The plan is written by hand (and checked by the validator), so tests know who meets whom.
    """
    from netzwerktreffen.planning import service as planning
    from netzwerktreffen.planning import scheduler_io as scheduling
    from netzwerktreffen.core.models import CAFE, SPEED, Block, CafeTable, MeetingTable, Room

    def make(slug="ablauf", names=None, locales=None):
        meeting = make_meeting(slug=slug, organisers=[organiser], blocks=False)
        room = Room(name="Saal Neckar", tables=[MeetingTable(number=n, seats=4) for n in range(1, 4)])
        cafe_room = Room(name="Foyer", tables=[MeetingTable(number=n, seats=6) for n in (7, 8)])
        meeting.rooms += [room, cafe_room]
        speed = Block(kind=SPEED, title="Speed Networking", position=0, start_time=time(10, 0), rounds=3,
                      minutes_per_round=6, changeover_minutes=2, group_size=2, room=room)
        cafe = Block(kind=CAFE, title="Pro-Action-Café", position=1, start_time=time(11, 0), rounds=2,
                     minutes_per_round=20, changeover_minutes=5,
                     guiding_questions=["Worum geht es wirklich?", "Was fehlt noch?"])
        meeting.blocks += [speed, cafe]
        db.session.commit()
        people = []
        for k, (name, organisation, sector) in enumerate(SCHEDULE_PEOPLE):
            if names and k < len(names):
                name = names[k]
            person = make_registration(meeting, name=name, email=f"person{k}@example.org",
                                       organisation=organisation, sector=sector, blocks=[speed, cafe])
            if locales and k < len(locales):
                person.locale = locales[k]
            people.append(person)
        cafe.cafe_tables = [
            CafeTable(question="Wie gelingt Kinderbetreuung während des Sprachkurses?", host=people[0],
                      table=cafe_room.tables[0], position=0),
            CafeTable(question="Anerkennung beschleunigen – aber wie?", host=people[1],
                      table=cafe_room.tables[1], position=1),
        ]
        db.session.commit()
        pid = [scheduling.participant_id(p) for p in people]
        tables = [scheduling.table_key(t) for t in cafe.cafe_tables]
        plan = {"format": scheduling.PLAN_FORMAT, "blocks": [
            {"id": scheduling.block_key(speed),
             "rounds": [[[pid[a], pid[b]] for a, b in round_] for round_ in SPEED_PAIRS]},
            {"id": scheduling.block_key(cafe),
             "rounds": [{tables[t]: [pid[k] for k in seated] for t, seated in enumerate(round_)}
                        for round_ in CAFE_TABLES]},
        ]}
        version = planning.store_version(meeting, scheduling.build_instance(meeting), plan, source="import")
        planning.publish(version)
        return meeting
    return make


# A real browser: Debian's chromium driven by Playwright (tests that need it skip with the reason)
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's chromium; installed with apt-get where we may (root), else the test skips with the reason."""
    path = debian_tool(find_chromium, "chromium", "chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture
def live_server(app):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("the browser walk-through runs once, on SQLite")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser_page(chromium_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"])
        page = browser.new_page(locale="de-DE")  # a German organiser's browser (Accept-Language: de-DE)
        page.set_default_timeout(30_000)
        yield page
        browser.close()


@pytest.fixture
def frozen_clock():
    """The clock stands at FROZEN_AT (Europe/Berlin) when the test starts and then runs on: for tests whose
    outcome depends on today's date or the time of day."""
    import time_machine
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        yield traveller
