"""Small steps for the real-browser tests (Playwright with chromium; fixtures ``live_server``, ``browser_page``)."""
from __future__ import annotations

from conftest import PASSWORD


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Log the organiser in through the login form."""
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button:has-text('Anmelden')")
    page.wait_for_url(lambda url: not url.endswith("/login"))


def too_wide(page) -> dict:
    """How wide the page is: the document's scroll width, the viewport's width, and the visible elements that
    reach beyond the viewport (tag, class, text, right edge), also inside a container that scrolls sideways."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      const out = [];
      for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (box.right > width + 0.5 || (box.left < -0.5 && box.right > 0)) {  // (the skip link waits far left)
          out.push([el.tagName.toLowerCase(), String(el.className), (el.innerText || el.value || '').slice(0, 40),
                    Math.round(box.right)]);
        }
      }
      return {scroll: document.documentElement.scrollWidth, viewport: width, wide: out.slice(0, 10)};
    }""")
