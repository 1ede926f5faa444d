"""The site has an icon: static/favicon.svg in every page's head, and /favicon.ico leads there."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

ICON_LINK = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_favicon_ico_leads_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert ET.fromstring(icon.data).tag == "{http://www.w3.org/2000/svg}svg"


def test_pages_name_the_icon_and_the_policy_allows_it(client, make_meeting, make_registration):
    meeting = make_meeting()
    person = make_registration(meeting)
    for path in ("/", "/login", f"/m/{meeting.slug}", f"/r/{person.token}", "/gibt-es-nicht"):
        response = client.get(path)
        assert ICON_LINK in response.get_data(as_text=True), path
        policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
                      if part.strip())
        assert "'self'" in policy["img-src"].split()


@pytest.mark.slow
def test_browser_loads_the_icon_without_a_404(live_server, browser_page):
    """In chromium, under the page's policy: the icon loads as an image, /favicon.ico answers with it,
    and loading pages asks for nothing that answers 404."""
    page = browser_page
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text
            else None)
    for path in ("/", "/login"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    loaded = page.evaluate("""() => new Promise(resolve => {
        const image = new Image();
        image.onload = () => resolve([image.naturalWidth, image.naturalHeight]);
        image.onerror = () => resolve(null);
        image.src = document.querySelector('link[rel=icon]').href;
    })""")
    assert loaded and loaded[0] > 0
    answer = page.evaluate("""async () => { const r = await fetch('/favicon.ico');
        return [r.status, r.redirected, r.headers.get('content-type')]; }""")
    assert answer[0] == 200 and answer[1] is True and answer[2].startswith("image/svg+xml")
    assert [s for s in statuses if s[0] == 404] == [] and violations == []
