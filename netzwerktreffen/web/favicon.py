"""The site's icon: ``static/favicon.svg``, named in every page's head; browsers that ask for
``/favicon.ico`` anyway (feed readers, old browsers, a bookmarked address) are sent there."""
from __future__ import annotations

from flask import Flask, redirect, url_for


def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def init_app(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
