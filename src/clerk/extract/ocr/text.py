"""OCR words as text the PDF templates can read, with a confidence for any span of it.

Tesseract's words are joined into lines (single spaces, one line per
Tesseract line), so a template's ``^Label:[ \\t]*(?P<value>...)`` works on a
scan exactly as on a text layer; each word keeps its place in that text so a
regex match can be traced back to the words, and their confidences.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

MIN_PAGE_CHARS = 20   # as pdf_text.MIN_TEXT_CHARS: less is no text at all


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float          # 0..1
    line: tuple[int, int, int]  # Tesseract's (block, paragraph, line)


@dataclass(frozen=True)
class OcrPage:
    """One page as read: OCR words, or the PDF's own text layer (``words`` empty)."""

    index: int
    source: str                    # "text_layer" | "ocr" | "ocr_preprocessed"
    words: tuple[OcrWord, ...] = ()
    text_layer: str | None = None
    seconds: float = 0.0
    failure: str | None = None     # why a pass gave nothing (ocr_timeout ...)
    # The other pass of this page, when there were two: values are cross-checked against it.
    discarded: OcrPage | None = None

    @property
    def mean_confidence(self) -> float:
        """Character-weighted mean word confidence; 1.0 for a text layer, 0.0 for no words."""
        if self.source == "text_layer":
            return 1.0
        chars = sum(len(word.text) for word in self.words)
        return sum(word.confidence * len(word.text) for word in self.words) / chars if chars else 0.0

    @property
    def char_count(self) -> int:
        if self.source == "text_layer":
            return len((self.text_layer or "").strip())
        return sum(len(word.text) for word in self.words)

    @property
    def readable(self) -> bool:
        return self.char_count >= MIN_PAGE_CHARS


def words_from_reply(words: list[list]) -> tuple[OcrWord, ...]:
    """The child's ``[text, conf 0..100, block, par, line]`` rows, checked (the child is not trusted)."""
    result = []
    for row in words:
        text, conf, block, par, line = row
        result.append(OcrWord(str(text), min(max(float(conf), 0.0), 100.0) / 100, (int(block), int(par), int(line))))
    return tuple(result)


class ScanText:
    """The document's text (pages joined by newlines) and where each OCR word sits in it."""

    def __init__(self, pages: tuple[OcrPage, ...]):
        parts: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._confidences: list[float] = []
        offset = 0
        for page in pages:
            page_text = self._page_text(page, offset)
            parts.append(page_text)
            offset += len(page_text) + 1
        self.text = "\n".join(parts)
        self.pages = pages

    def _page_text(self, page: OcrPage, offset: int) -> str:
        if page.source == "text_layer":
            return (page.text_layer or "").replace("\r\n", "\n").replace("\r", "\n")
        lines: list[str] = []
        current: tuple[int, int, int] | None = None
        position = offset
        for word in page.words:
            if current is None or word.line != current:
                if current is not None:
                    position += 1                          # the newline
                    lines.append("")
                elif not lines:
                    lines.append("")
                current = word.line
            elif lines[-1]:
                lines[-1] += " "
                position += 1
            self._starts.append(position)
            self._ends.append(position + len(word.text))
            self._confidences.append(word.confidence)
            lines[-1] += word.text
            position += len(word.text)
        return "\n".join(lines)

    def confidence(self, start: int, end: int) -> float:
        """Lowest confidence of the OCR words overlapping ``text[start:end]``; 1.0 for text-layer text."""
        lowest = 1.0
        index = max(bisect_right(self._starts, start) - 1, 0)
        while index < len(self._starts) and self._starts[index] < end:
            if self._ends[index] > start:
                lowest = min(lowest, self._confidences[index])
            index += 1
        return lowest
