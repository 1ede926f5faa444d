"""The production path: migrations from the command line, then gunicorn serves the app."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest

from served import free_port



@pytest.mark.slow
def test_gunicorn_serves_the_migrated_app(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite'}", SECRET_KEY="prod-test")
    flask = [sys.executable, "-m", "flask", "--app", "netzwerktreffen"]
    subprocess.run(flask + ["db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run(flask + ["demo", "--participants", "12"], env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "netzwerktreffen:create_app()"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    pytest.fail("gunicorn did not answer: " + server.stdout.read().decode()[-2000:])
                time.sleep(0.2)
        assert "4. Netzwerktreffen Migration" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/m/demo", timeout=5) as response:
            assert "Verbindlich anmelden" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
