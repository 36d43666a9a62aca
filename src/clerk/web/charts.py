"""Server-rendered SVG charts: no script, no CDN. Every label is escaped here,
because the SVG is inserted into the page as markup."""

from __future__ import annotations

from html import escape

COLOURS = {"posted": "#2e8b57", "needs_review": "#e67e22", "rejected": "#c0392b",
           "quarantined": "#7f8c8d", "failed": "#8e44ad"}
WIDTH, HEIGHT, PAD = 640, 220, 30


def stacked_days(per_day: dict[str, dict[str, int]], title: str) -> str:
    days = list(per_day)
    peak = max([sum(v.values()) for v in per_day.values()] or [1]) or 1
    bar = (WIDTH - 2 * PAD) / max(len(days), 1)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{WIDTH}" '
             f'height="{HEIGHT + 40}" viewBox="0 0 {WIDTH} {HEIGHT + 40}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, day in enumerate(days):
        y = HEIGHT
        for outcome, colour in COLOURS.items():
            count = per_day[day].get(outcome, 0)
            h = (HEIGHT - PAD) * count / peak
            y -= h
            if count:
                parts.append(f'<rect x="{PAD + i * bar:.1f}" y="{y:.1f}" width="{bar * 0.8:.1f}" '
                             f'height="{h:.1f}" fill="{colour}"><title>{escape(day)} {escape(outcome)}: '
                             f'{count}</title></rect>')
        parts.append(f'<text x="{PAD + i * bar:.1f}" y="{HEIGHT + 14}" font-size="9">{escape(day[5:])}</text>')
    for j, (outcome, colour) in enumerate(COLOURS.items()):
        parts.append(f'<rect x="{PAD + j * 110}" y="{HEIGHT + 24}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{PAD + j * 110 + 14}" y="{HEIGHT + 33}" font-size="10">{escape(outcome)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(rows: list[tuple[str, int]], title: str) -> str:
    peak = max([count for _, count in rows] or [1]) or 1
    height = 22 * len(rows) + 10
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, count) in enumerate(rows):
        w = (WIDTH - 260) * count / peak
        parts.append(f'<text x="4" y="{i * 22 + 20}" font-size="11">{escape(label[:36])}</text>'
                     f'<rect x="220" y="{i * 22 + 8}" width="{w:.1f}" height="16" fill="#e67e22"/>'
                     f'<text x="{224 + w:.1f}" y="{i * 22 + 20}" font-size="11">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
