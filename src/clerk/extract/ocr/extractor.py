"""Scanned PDFs and images, read by OCR, then through the same supplier templates as text PDFs."""

from __future__ import annotations

from dataclasses import dataclass

from clerk.errors import BusinessException, ExtractionError
from clerk.extract.base import Content, Extraction
from clerk.extract.ocr.confidence import EXTRACTOR, ocr_findings, scan_confidence
from clerk.extract.ocr.crosscheck import disagreements, implausible_dates
from clerk.extract.ocr.reader import OcrReader, ScanReading
from clerk.extract.ocr.text import ScanText
from clerk.extract.pdf_text import choose_template, read_with_template
from clerk.extract.proposals import propose_invoice
from clerk.extract.templates import PdfTemplate


@dataclass(frozen=True)
class _Attempt:
    scan: ScanReading
    extraction: Extraction | None = None
    error: ExtractionError | None = None

    def rank(self, reader: OcrReader) -> tuple[int, int, float]:
        """Higher is better: extracted at all, fewer doubtful fields, surer pages."""
        if self.extraction is None:
            return (0, 0, min((page.mean_confidence for page in self.scan.ocr_pages), default=0.0))
        if self.extraction.template is None:     # a proposal: any template reading beats it
            return (1, 0, min((page.mean_confidence for page in self.scan.ocr_pages), default=0.0))
        doubtful = len(ocr_findings(self.extraction, reader.settings))
        return (2, -doubtful, min(self.extraction.confidence.values(), default=1.0))


class OcrExtractor:
    """Accepts images and PDFs with scanned pages; needs the session's ``OcrReader``.

    A scan that stays illegible after the preprocessed retry raises
    ``BusinessException('unreadable_scan')``, never an empty or guessed record.
    Every pass made (the page's own retry, the template's languages, the
    preprocessed retry) is kept: a value the passes read differently is an
    error finding, so a retry can never turn a misread into an accepted value.
    """

    name = EXTRACTOR

    def __init__(self, templates: tuple[PdfTemplate, ...], reader: OcrReader):
        self.templates = templates
        self.reader = reader

    def accepts(self, content: Content) -> bool:
        return self.reader.needs_ocr(content)

    def extract(self, content: Content) -> Extraction:
        passes = [self.reader.read(content)]
        attempt = self._attempt(passes[0])
        template = self._template_of(attempt)
        wanted = template.ocr_languages if template is not None else None
        if wanted and tuple(wanted) != attempt.scan.languages:
            passes.append(self.reader.read(content, tuple(wanted)))
            attempt = max((attempt, self._attempt(passes[-1])), key=lambda each: each.rank(self.reader))
        if self._worth_retrying(attempt):
            passes.append(self.reader.read(content, attempt.scan.languages, preprocess=True))
            attempt = max((attempt, self._attempt(passes[-1])), key=lambda each: each.rank(self.reader))
        return self._cross_checked(self._outcome(attempt), attempt.scan, passes)

    def _cross_checked(self, extraction: Extraction, chosen: ScanReading, passes: list[ScanReading]) -> Extraction:
        if extraction.template is None:    # a proposal: blocked by its own finding whatever the passes say
            return extraction
        template = next(t for t in self.templates if t.name == extraction.template)
        readings = [reading for scan in passes for reading in (scan, scan.discarded()) if reading is not None]
        # A pass that read (next to) nothing, a timeout say, is no evidence either way: only readings compare.
        others = [ScanText(reading.pages).text for reading in readings
                  if reading is not chosen and all(page.readable for page in reading.ocr_pages)]
        findings = [*disagreements(template, ScanText(chosen.pages).text, others),
                    *implausible_dates(extraction.record)]
        confidence = dict(extraction.confidence)
        for finding in findings:
            confidence[finding.field] = 0.0
        return extraction.model_copy(update={"confidence": confidence,
                                             "findings": (*extraction.findings, *findings)})

    def _template_of(self, attempt: _Attempt) -> PdfTemplate | None:
        if attempt.extraction is not None and attempt.extraction.template is not None:
            return next(t for t in self.templates if t.name == attempt.extraction.template)
        return choose_template(ScanText(attempt.scan.pages).text, self.templates)

    def _worth_retrying(self, attempt: _Attempt) -> bool:
        # Pages already preprocessed (their first pass was poor) gain nothing from a second one.
        if all(page.source == "ocr_preprocessed" for page in attempt.scan.ocr_pages):
            return False
        if attempt.extraction is None or attempt.extraction.template is None:
            return True     # nothing read, or only proposed: a cleaner page may fit a template
        return any(finding.severity.value == "error" for finding in ocr_findings(attempt.extraction,
                                                                                  self.reader.settings))

    def _attempt(self, scan: ScanReading) -> _Attempt:
        text = ScanText(scan.pages)
        template = choose_template(text.text, self.templates)
        if template is None:
            proposal = propose_invoice(text.text)   # for a person, pre-filled (it carries an error finding)
            if proposal is not None:
                return _Attempt(scan, proposal)
            return _Attempt(scan, error=ExtractionError("no_template", "no supplier template matches this "
                                                                       "scan's text"))
        try:
            invoice, read = read_with_template(template, text.text)
        except ExtractionError as error:
            return _Attempt(scan, error=error)
        confidence = scan_confidence(template, text, read, invoice)
        return _Attempt(scan, Extraction(record=invoice, extractor=self.name, template=template.name,
                                         confidence=confidence))

    def _outcome(self, attempt: _Attempt) -> Extraction:
        settings = self.reader.settings
        unreadable = attempt.scan.unreadable(settings)
        legible = [page for page in attempt.scan.ocr_pages if page.readable]
        if attempt.extraction is not None and not unreadable:
            return attempt.extraction
        if unreadable or not legible:
            raise BusinessException("unreadable_scan", _unreadable_message(unreadable or attempt.scan.ocr_pages,
                                                                           settings.unreadable_below))
        raise attempt.error


def _unreadable_message(pages, unreadable_below: float) -> str:  # noqa: ANN001
    # Say what was read and why it is refused: "96% confidence" on 12 characters read as nonsense.
    parts = []
    for page in pages:
        if not page.readable:
            why = f"only {page.char_count} characters read"
        else:
            why = (f"{page.char_count} characters read with {page.mean_confidence:.0%} mean word confidence, "
                   f"below the {unreadable_below:.0%} required")
        parts.append(f"page {page.index + 1}: {why}")
    numbers = ", ".join(str(page.index + 1) for page in pages)
    return (f"scanned page(s) {numbers} could not be read reliably ({'; '.join(parts)}); "
            "a person must enter this document from the image")
