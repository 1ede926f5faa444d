"""The deployment as shipped: Debian's nginx with deploy/nginx/netzwerktreffen.conf (TLS) in front of gunicorn.

Only ports, paths, the host name and the certificate are replaced; everything else is the file from deploy/.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from debian import debian_tool

from test_gunicorn import free_port
from waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "netzwerktreffen.conf"
STATIC = ROOT / "netzwerktreffen" / "static"


def find_nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def nginx_path():
    """Debian's nginx; installed with apt-get where we may (root), else the test skips with the reason."""
    return debian_tool(find_nginx, "nginx", "nginx")


def replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/netzwerktreffen.conf no longer contains {old!r}: adapt this test"
    return text.replace(old, new)


def nginx_config(folder: Path, http_port: int, https_port: int, app_port: int) -> Path:
    """The shipped site inside a minimal nginx.conf that keeps everything (pid, logs, temp files) in folder."""
    site = SITE.read_text()
    site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.M)
    site = replace(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = replace(site, "server_name netzwerktreffen.example.org;", "server_name localhost;")
    site = replace(site, "/etc/letsencrypt/live/netzwerktreffen.example.org/fullchain.pem", str(folder / "cert.pem"))
    site = replace(site, "/etc/letsencrypt/live/netzwerktreffen.example.org/privkey.pem", str(folder / "key.pem"))
    site = replace(site, "/opt/netzwerktreffen/netzwerktreffen/static/", f"{STATIC}/")
    site = replace(site, "server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    config = folder / "nginx.conf"
    config.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder / 'access.log'};
{temp}
{site}
}}
""")
    return config


def self_signed_certificate(folder: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True, timeout=60)


class Proxy:
    """Plain HTTP requests (no redirects followed) to nginx, trusting the test's certificate."""

    def __init__(self, folder: Path, http_port: int, https_port: int):
        self.http_port, self.https_port = http_port, https_port
        self.tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        self.origin = f"https://localhost:{https_port}"

    def request(self, method, path, *, https=True, headers=None, body=None):
        if https:
            connection = http.client.HTTPSConnection("localhost", self.https_port, context=self.tls, timeout=60)
        else:
            connection = http.client.HTTPConnection("localhost", self.http_port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture
def deployment(nginx_path, tmp_path):
    """gunicorn (TRUSTED_PROXIES=1) with a demo meeting, behind nginx with the shipped site; yields (proxy, env)."""
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    database = tmp_path / "prod.sqlite"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", SECRET_KEY="prod-test", TRUSTED_PROXIES="1",
               PREFERRED_URL_SCHEME="https", MAIL_DELIVERY="manual", BASE_URL="", REDIS_URL="",
               PYTHONPATH=str(ROOT))
    flask = [sys.executable, "-m", "flask", "--app", "netzwerktreffen"]
    subprocess.run(flask + ["db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run(flask + ["demo", "--participants", "12"], env=env, check=True, capture_output=True, timeout=120)
    self_signed_certificate(tmp_path)
    config = nginx_config(tmp_path, http_port, https_port, app_port)
    checked = subprocess.run([nginx_path, "-t", "-p", str(tmp_path), "-c", str(config)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    access_log = tmp_path / "gunicorn-access.log"
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{app_port}",
                                 "--access-logfile", str(access_log), "netzwerktreffen:create_app()"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    nginx = subprocess.Popen([nginx_path, "-p", str(tmp_path), "-c", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    proxy = Proxy(tmp_path, http_port, https_port)

    def answers():
        if gunicorn.poll() is not None or nginx.poll() is not None:
            raise AssertionError("gunicorn or nginx ended: " + (tmp_path / "error.log").read_text()[-2000:])
        try:
            return proxy.request("GET", "/")[0] == 200
        except OSError:
            return False
    try:
        wait_until(answers, 60, "gunicorn behind nginx to answer")
        yield proxy, database, access_log
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def session_cookie(headers) -> str:
    cookies = [value for name, value in headers.items() if name.lower() == "set-cookie"
               and value.startswith("session=")]
    assert cookies, f"no session cookie in {headers.items()}"
    return cookies[-1]


def csrf_token(page: bytes) -> str:
    found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token in the form"
    return found.group(1).decode()


def expected_secure_cookie(monkeypatch, tmp_path) -> bool:
    """What the app, configured like the gunicorn above, says about the session cookie's Secure flag."""
    from netzwerktreffen import create_app
    for name, value in {"SECRET_KEY": "prod-test", "TRUSTED_PROXIES": "1", "PREFERRED_URL_SCHEME": "https",
                        "MAIL_DELIVERY": "manual", "BASE_URL": "", "REDIS_URL": "",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite'}"}.items():
        monkeypatch.setenv(name, value)
    return bool(create_app().config.get("SESSION_COOKIE_SECURE"))


@pytest.mark.slow
def test_nginx_in_front_of_gunicorn(deployment, monkeypatch, tmp_path):
    proxy, database, access_log = deployment

    # plain HTTP only redirects to HTTPS, keeping the path
    status, headers, _ = proxy.request("GET", "/login?next=%2F", https=False)
    assert status == 301
    assert headers["Location"] == "https://localhost/login?next=%2F"

    # static files come from nginx, not from gunicorn
    status, headers, body = proxy.request("GET", "/static/style.css")
    assert status == 200 and body == (STATIC / "style.css").read_bytes()
    assert headers["Content-Type"].startswith("text/css")
    assert "max-age=3600" in headers["Cache-Control"]

    # the login form over HTTPS: session cookie, CSRF token, then the login itself through the proxy
    status, headers, page = proxy.request("GET", "/login")
    assert status == 200
    cookie = session_cookie(headers)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("; Secure" in cookie) == expected_secure_cookie(monkeypatch, tmp_path)
    jar = cookie.split(";", 1)[0]
    form = {"email": "demo@netzwerktreffen.example", "password": "netzwerktreffen-demo"}
    post_headers = {"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"{proxy.origin}/login", "Origin": proxy.origin}
    status, _, _ = proxy.request("POST", "/login", headers=post_headers, body=urlencode(form))
    assert status == 400, "a login without the CSRF token must be refused"
    form["csrf_token"] = csrf_token(page)
    status, headers, _ = proxy.request("POST", "/login", headers=post_headers, body=urlencode(form))
    assert status in (302, 303)
    assert headers["Location"] in ("/organisation/", f"{proxy.origin}/organisation/")
    jar = session_cookie(headers).split(";", 1)[0]
    status, _, page = proxy.request("GET", "/organisation/", headers={"Cookie": jar})
    assert status == 200 and "/organisation/treffen/demo" in page.decode()

    # links the app builds itself carry the outside https address, not gunicorn's 127.0.0.1:PORT
    status, _, page = proxy.request("GET", "/organisation/treffen/demo", headers={"Cookie": jar})
    assert status == 200
    text = page.decode()
    assert f"{proxy.origin}/m/demo" in text
    assert "127.0.0.1" not in text
    # the organiser's outside address is remembered for mails and print-outs made outside a request
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT external_url FROM installation_setting").fetchall() == [(proxy.origin,)]

    # a mail queued during a request (the personal link sent again) links to the outside address too
    with sqlite3.connect(database) as connection:
        address = connection.execute("SELECT email FROM registration ORDER BY id LIMIT 1").fetchone()[0]
    status, headers, page = proxy.request("GET", "/m/demo/link")
    assert status == 200
    anonymous = session_cookie(headers).split(";", 1)[0]
    status, headers, _ = proxy.request(
        "POST", "/m/demo/link", body=urlencode({"email": address, "csrf_token": csrf_token(page)}),
        headers={"Cookie": anonymous, "Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"{proxy.origin}/m/demo/link"})
    assert status in (302, 303)
    with sqlite3.connect(database) as connection:
        body = connection.execute("SELECT body_text FROM outbox_message WHERE to_email = ? AND kind = 'link'",
                                  (address,)).fetchone()[0]
    assert re.search(rf"{re.escape(proxy.origin)}/r/[\w-]+", body), body
    assert "127.0.0.1" not in body

    gunicorn_saw = access_log.read_text()
    assert "/login" in gunicorn_saw and "/static/" not in gunicorn_saw
