"""Read the scanned pages of one document: OCR, and a preprocessed retry where it is poor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import TracebackType

from clerk.errors import ExtractionError
from clerk.extract.base import Content
from clerk.extract.ocr.detect import pages_needing_ocr
from clerk.extract.ocr.preflight import check_tesseract
from clerk.extract.ocr.sandbox import OcrSandbox
from clerk.extract.ocr.settings import OcrSettings
from clerk.extract.ocr.text import OcrPage, words_from_reply

# A pass that times out or fails on the page itself is just a poor pass:
# the retry (or unreadable_scan) decides. Broken bytes are the document's fault.
_POOR_PASS = {"ocr_timeout", "ocr_failed"}


@dataclass(frozen=True)
class ScanReading:
    """Every page of a document, each from its text layer or from OCR."""

    pages: tuple[OcrPage, ...]
    languages: tuple[str, ...]

    @property
    def ocr_pages(self) -> tuple[OcrPage, ...]:
        return tuple(page for page in self.pages if page.source != "text_layer")

    def discarded(self) -> ScanReading | None:
        """The document as the passes not chosen read it (a page read once keeps its one pass); None if none."""
        if not any(page.discarded for page in self.pages):
            return None
        return ScanReading(tuple(page.discarded or page for page in self.pages), self.languages)

    def unreadable(self, settings: OcrSettings) -> tuple[OcrPage, ...]:
        """OCR pages with words but too unsure to trust; a page with no words is blank, not unreadable."""
        return tuple(page for page in self.ocr_pages
                     if page.words and page.mean_confidence < settings.unreadable_below)


class OcrReader:
    """OCR for a session: one sandboxed child, Tesseract checked once per language set."""

    def __init__(self, settings: OcrSettings):
        self.settings = settings
        self.sandbox = OcrSandbox(settings)
        self._checked: set[tuple[str, ...]] = set()

    def __enter__(self) -> OcrReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.sandbox.close()

    def needs_ocr(self, content: Content) -> bool:
        if not self.settings.enabled:
            return False
        if content.kind == "image":
            return True
        return content.kind == "pdf" and content.pdf is not None and bool(pages_needing_ocr(content.pdf))

    def read(self, content: Content, languages: tuple[str, ...] | None = None,
             preprocess: bool = False) -> ScanReading:
        """Every page; scanned ones through OCR (``preprocess``: straight to the cleaned-up pass)."""
        languages = languages or self.settings.languages
        if languages not in self._checked:
            check_tesseract(self.settings, languages)   # ConfigError naming the apt packages
            self._checked.add(languages)
        pages: list[OcrPage] = []
        if content.kind == "pdf":
            scanned = set(pages_needing_ocr(content.pdf))
            for index, text in enumerate(content.pdf.pages):
                pages.append(self.read_page(content, index, languages, preprocess) if index in scanned
                             else OcrPage(index, "text_layer", text_layer=text))
        else:
            count = self.sandbox.page_count("image", content.data)
            if count > self.settings.max_pages:
                raise ExtractionError("too_many_pages", f"{count} pages, at most {self.settings.max_pages}")
            pages = [self.read_page(content, index, languages, preprocess) for index in range(count)]
        return ScanReading(tuple(pages), languages)

    def read_page(self, content: Content, index: int, languages: tuple[str, ...],
                  preprocess: bool = False) -> OcrPage:
        """One page; a poor first pass (empty, or below ``retry_below``) is retried preprocessed."""
        first = self._pass(content, index, languages, preprocess)
        if preprocess or (first.readable and first.mean_confidence >= self.settings.retry_below):
            return first
        second = self._pass(content, index, languages, True)
        best = max((first, second), key=lambda page: (page.readable, page.mean_confidence))
        other = second if best is first else first
        return replace(best, discarded=other)

    def _pass(self, content: Content, index: int, languages: tuple[str, ...], preprocess: bool) -> OcrPage:
        kind = "pdf" if content.kind == "pdf" else "image"
        source = "ocr_preprocessed" if preprocess else "ocr"
        try:
            reply = self.sandbox.ocr_page(kind, content.data, index, languages, preprocess)
        except ExtractionError as error:
            if error.reason in _POOR_PASS:
                return OcrPage(index, source, failure=error.reason)
            raise
        return OcrPage(index, source, words_from_reply(reply["words"]), seconds=float(reply.get("seconds", 0)))

    def page_png(self, content: Content, index: int) -> bytes:
        """Page ``index`` as a PNG, for the reviewer beside the record."""
        return self.sandbox.render_png("pdf" if content.kind == "pdf" else "image", content.data, index)
