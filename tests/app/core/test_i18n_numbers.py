"""Numbers as the UI language writes them: 2.904,0 and 18,75 % in German."""
from __future__ import annotations

from flask_babel import force_locale

from netzwerktreffen.core.i18n import format_number, format_percent


def test_numbers_and_percentages_follow_the_ui_language(app):
    with app.test_request_context():
        with force_locale("de"):
            assert format_number(2904.0) == "2.904,0"
            assert format_percent(0.1875) == "18,75 %"
            assert format_number(-14) == "-14,0"
        with force_locale("en"):
            assert format_number(2904.0) == "2,904.0"
            assert format_percent(0.264) == "26.40%"
            assert format_percent(0.1875) == "18.75%"
            assert format_percent(0.5, 0) == "50%"
        assert format_percent(None) == "–"
