"""Where a template's field sits in a document's text: one place for PDFs and scans.

A field may have several patterns (a supplier changes its layout, a scan
breaks a line differently); the first that matches wins. The value is the
``value`` group, else the first group, else the whole match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from clerk.extract.templates import PdfTemplate


def patterns_of(template: PdfTemplate, field: str) -> tuple[str, ...]:
    """The field's patterns in order of preference (none when the template does not read it)."""
    patterns = template.fields.get(field)
    if patterns is None:
        return ()
    return (patterns,) if isinstance(patterns, str) else tuple(patterns)


def value_span(template: PdfTemplate, text: str, field: str) -> tuple[int, int] | None:
    """``(start, end)`` of the field's value in ``text``, or None when no pattern matches."""
    for pattern in patterns_of(template, field):
        match = re.search(pattern, text, re.MULTILINE)
        if match is None:
            continue
        if match.groupdict().get("value"):
            return match.span("value")
        if match.groups() and match.group(1):
            return match.span(1)
        return match.span(0)
    return None


def field_text(template: PdfTemplate, text: str, field: str) -> str | None:
    """The field's value as printed (stripped), or None."""
    span = value_span(template, text, field)
    if span is None:
        return None
    value = text[span[0]:span[1]].strip()
    return value or None


def keywords_match(template: PdfTemplate, text: str) -> bool:
    """All of ``keywords`` and, when given, at least one of ``any_keywords``; case-insensitive."""
    if not all(find_keyword(text, keyword) for keyword in template.keywords):
        return False
    return not template.any_keywords or any(find_keyword(text, keyword) for keyword in template.any_keywords)


def find_keyword(text: str, keyword: str) -> re.Match[str] | None:
    # re's IGNORECASE, not casefold(): casefold can change lengths (ß -> ss) and so the spans.
    return re.search(re.escape(keyword), text, re.IGNORECASE)


def keyword_spans(template: PdfTemplate, text: str) -> Iterable[tuple[int, int]]:
    """Where the template's keywords were found (for the confidence of the seller they identify)."""
    for keyword in (*template.keywords, *template.any_keywords):
        match = find_keyword(text, keyword)
        if match is not None:
            yield match.span()


def table_rows(template: PdfTemplate, text: str) -> Iterable[tuple[int, str, re.Match[str]]]:
    """``(offset, row, match)`` for each line-table row: between ``start`` and ``end``, matched in full."""
    table = template.lines
    if table is None:
        return
    row, inside, offset = re.compile(table.row), False, 0
    for raw in text.split("\n"):
        line = raw.strip()
        start = offset + len(raw) - len(raw.lstrip())
        offset += len(raw) + 1
        if re.search(table.start, line):
            inside = True  # a table may repeat its header on each page
        elif inside and re.search(table.end, line):
            inside = False
        elif inside and (match := row.fullmatch(line)):
            yield start, line, match
