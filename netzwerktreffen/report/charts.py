"""The report's own charts, made with matplotlib like the survey's (``registration.charts``: the same style,
no pyplot, SVG for the PDF and PNG for the .docx): who came per sector, and the new contacts between sectors
as a sector × sector matrix."""
from __future__ import annotations

import textwrap

from flask_babel import gettext as _

from netzwerktreffen.registration import charts
from netzwerktreffen.report.figures import Attendance, Contacts

LIGHT = "#b9cde6"


def _label(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)[:2]) or "–"


def attendance_chart(attendance: Attendance, fmt: str = "svg") -> str | bytes:
    """Per sector, along the chain: registered (light) and came (dark), the figure at the end of the bar."""
    import matplotlib
    from matplotlib.figure import Figure
    rows = attendance.by_sector
    if not rows:
        return b"" if fmt == "png" else ""
    with matplotlib.rc_context(charts.STYLE):
        figure = Figure(figsize=(7.2, 0.9 + 0.5 * len(rows)), layout="constrained")
        axes = figure.add_subplot()
        axes.spines[["top", "right"]].set_visible(False)
        axes.xaxis.get_major_locator().set_params(integer=True)
        names = [_label(row.label) for row in rows]
        positions = list(range(len(rows)))
        axes.barh([p - 0.2 for p in positions], [r.registered for r in rows], height=0.4, color=LIGHT,
                  label=_("angemeldet"))
        came = axes.barh([p + 0.2 for p in positions], [r.came for r in rows], height=0.4, color=charts.ACCENT,
                         label=_("gekommen"))
        axes.bar_label(came, labels=[str(r.came) for r in rows], padding=3)
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_xlabel(_("Personen"))
        axes.set_xlim(0, max([r.registered for r in rows] + [1]) * 1.15)
        figure.legend(loc="outside lower center", ncols=2, frameon=False)
        return charts.render(figure, fmt)


def matrix_chart(contacts: Contacts, fmt: str = "svg") -> str | bytes:
    """New contacts between the sectors: a square of cells, the number of new pairs in each."""
    import matplotlib
    from matplotlib.figure import Figure
    size = len(contacts.labels)
    if not size:
        return b"" if fmt == "png" else ""
    with matplotlib.rc_context(charts.STYLE | {"font.size": 9}):
        side = min(9.0, 2.4 + 0.55 * size)
        figure = Figure(figsize=(side + 1.2, side), layout="constrained")
        axes = figure.add_subplot()
        image = axes.imshow(contacts.matrix, cmap="Blues", vmin=0)
        top = max((max(row) for row in contacts.matrix), default=0) or 1
        for i, row in enumerate(contacts.matrix):
            for j, value in enumerate(row):
                if value:
                    axes.text(j, i, str(value), ha="center", va="center",
                              color="white" if value > top * 0.55 else charts.INK)
        labels = [_label(label, 18) for label in contacts.labels]
        axes.set_xticks(range(size), labels, rotation=45, ha="right", rotation_mode="anchor")
        axes.set_yticks(range(size), labels)
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        figure.colorbar(image, ax=axes, shrink=0.6, label=_("neue Kontakte (Paare)"))
        return charts.render(figure, fmt)
