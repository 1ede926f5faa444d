"""The app under gunicorn on a free port, against a test database, and a small HTTP client for it
(cookies, the CSRF token from a page, no redirect following), for tests with real parallel requests."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

from waiting import wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_uri: str, workers: int = 4, threads: int = 4):
    """gunicorn serving the app on ``database_uri`` (mail stays queued in the outbox); yields the base URL."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=database_uri, SECRET_KEY="served-test", MAIL_DELIVERY="manual",
               RATELIMIT_ENABLED="false")  # many clients from one address on purpose: not what throttling is tested for here
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", str(workers),
                               "--threads", str(threads), "-b", f"127.0.0.1:{port}", "netzwerktreffen:create_app()"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers():
        if server.poll() is not None:
            raise AssertionError("gunicorn stopped: " + server.stdout.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(base + "/", timeout=5):
                return True
        except OSError:
            return False
    try:
        wait_until(answers, 60, "gunicorn to answer")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar (one session); safe to use from several threads at once."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf_token(self, path: str) -> str:
        status, page = self.request(path)
        assert status == 200, (status, page[-500:])
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
