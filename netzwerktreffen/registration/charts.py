"""Bar charts of the answers to the questions at registration, as SVG, made with matplotlib.

Only ``matplotlib.figure.Figure`` is used (no pyplot: no global state, safe in a web process), imported
when the first chart is drawn (the library takes a moment to load). Text stays text in the SVG
(``svg.fonttype: none``), and the ids are fixed (``svg.hashsalt``), so the same figures give the same file.
"""
from __future__ import annotations

import io
import textwrap
from base64 import b64encode

ACCENT = "#0b5cad"
INK = "#1d2430"
STYLE = {"svg.fonttype": "none", "svg.hashsalt": "netzwerktreffen", "font.family": "DejaVu Sans",
         "font.size": 12, "axes.edgecolor": "#8f99a8", "text.color": INK, "axes.labelcolor": INK,
         "xtick.color": INK, "ytick.color": INK}


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, 28)[:3]) or "–"


def _axes(rows: int, wide: bool = False):
    import matplotlib
    from matplotlib.figure import Figure
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.2 if wide else 6.4, 0.8 + 0.55 * max(rows, 1)), layout="constrained")
        axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.invert_yaxis()  # the first option on top
    return figure, axes


def render(figure, fmt: str = "svg") -> str | bytes:
    """The figure as SVG text (web pages, PDF) or as PNG bytes at print resolution (the .docx report)."""
    import matplotlib
    with matplotlib.rc_context(STYLE):
        if fmt == "png":
            binary = io.BytesIO()
            figure.savefig(binary, format="png", dpi=200, metadata={"Software": None}, bbox_inches="tight")
            return binary.getvalue()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
        return out.getvalue()


def bar_chart(labels: list[str], counts: list[int], axis_label: str, fmt: str = "svg") -> str | bytes:
    """One horizontal bar per option, its count at the end of the bar."""
    import matplotlib
    with matplotlib.rc_context(STYLE):
        figure, axes = _axes(len(labels))
        bars = axes.barh([_wrap(label) for label in labels], counts, color=ACCENT)
        axes.bar_label(bars, labels=[str(n) for n in counts], padding=3)
        axes.set_xlabel(axis_label)
        axes.set_xlim(0, max(counts + [1]) * 1.15)
        return render(figure, fmt)


def stacked_chart(labels: list[str], rows: list[tuple[str, str, list[int]]], axis_label: str,
                  fmt: str = "svg") -> str | bytes:
    """Per option one bar, stacked by group (label, colour, counts per option); the legend below."""
    import matplotlib
    with matplotlib.rc_context(STYLE):
        figure, axes = _axes(len(labels), wide=True)
        left = [0] * len(labels)
        wrapped = [_wrap(label) for label in labels]
        for name, color, counts in rows:
            axes.barh(wrapped, counts, left=left, color=color, label=name, edgecolor="white")
            left = [a + b for a, b in zip(left, counts)]
        axes.set_xlabel(axis_label)
        axes.set_xlim(0, max(left + [1]) * 1.1)
        figure.legend(loc="outside lower center", ncols=min(len(rows), 3), frameon=False)
        return render(figure, fmt)


def data_uri(svg: str) -> str:
    """The SVG as an ``<img src>`` (the page's Content-Security-Policy allows data: images, and an image's
    own styles are its own)."""
    return "data:image/svg+xml;base64," + b64encode(svg.encode()).decode() if svg else ""
