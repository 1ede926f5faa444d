"""HTML to PDF with WeasyPrint (print-outs, harvest, contact lists)."""
from __future__ import annotations
import re
from pathlib import Path


_STYLED = re.compile(r'<(\w+)([^>]*?)\sstyle="([^"]*)"([^>]*)>')


def hoist_styles(html: str) -> str:
    """Inline ``style`` attributes become classes in the head: WeasyPrint parses each distinct
    declaration once instead of once per element (room plans repeat the same cells every round)."""
    styles: dict[str, str] = {}

    def to_class(match: re.Match) -> str:
        tag, before, style, after = match.groups()
        name = styles.setdefault(style, f"st{len(styles)}")
        attributes = before + after
        existing = re.search(r'class="([^"]*)"', attributes)
        if existing:
            merged = 'class="' + existing.group(1) + " " + name + '"'
            return f"<{tag}{attributes.replace(existing.group(0), merged, 1)}>"
        return f'<{tag}{before} class="{name}"{after}>'

    body = _STYLED.sub(to_class, html)
    if not styles:
        return html
    css = "\n".join(f".{name} {{ {style} }}" for style, name in styles.items())
    return body.replace("</style>", css + "\n</style>", 1)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    return HTML(string=hoist_styles(html), base_url=str(Path(__file__).resolve().parents[1])).write_pdf()
