"""OCR configuration: engine, languages, limits, and how sure a field must be."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Tesseract language codes are lowercase letters (deu, fra, chi_sim); anything
# else would reach its command line.
_LANGUAGE = r"^[a-z]{3}(_[a-z]+)?$"


class FieldCheck(BaseModel):
    """How one record field read by OCR is checked: below ``threshold`` it becomes a finding."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float | None = Field(default=None, ge=0, le=1)   # None: OcrSettings.threshold
    severity: Literal["warning", "error"] = "warning"


def _default_fields() -> dict[str, FieldCheck]:
    # Every field the ERP stores blocks posting when a scan read it unsurely: a
    # plausible but misread date or order number costs as much as a wrong amount
    # (issue 24: a retry read a wrong month and, as a mere warning, it went on).
    # An operator can still lower one to "warning" in config.
    stored = ("number", "issue_date", "due_date", "currency", "seller.name", "seller.tax_id", "seller.iban",
              "order_reference", "totals.net", "totals.tax", "totals.gross", "totals.payable", "lines")
    return {field: FieldCheck(severity="error") for field in stored}


class OcrSettings(BaseModel):
    """Built once at the entry point (``ExtractSettings.ocr``) and passed down.

    Confidences are 0..1 (Tesseract's word confidence / 100).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    tesseract_cmd: str = "tesseract"
    languages: tuple[str, ...] = ("eng", "deu", "fra")   # a template's ocr_languages override these
    psm: int = Field(default=4, ge=0, le=13)   # 4: one column of lines, keeps "Label: value" together
    dpi: int = Field(default=300, ge=72, le=600)          # rasterizing PDF pages
    page_timeout_s: float = Field(default=20.0, gt=0)    # Tesseract on one page, each pass
    memory_mb: int = Field(default=2048, ge=256)          # the child and its Tesseract
    max_pages: int = Field(default=20, ge=1)
    max_pixels: int = Field(default=60_000_000, ge=1_000_000)   # A4 at 600 dpi is ~35 M
    retry_below: float = Field(default=0.85, ge=0, le=1)   # page mean confidence that triggers preprocessing
    unreadable_below: float = Field(default=0.55, ge=0, le=1)   # page mean confidence after the retry
    threshold: float = Field(default=0.75, ge=0, le=1)
    fields: dict[str, FieldCheck] = Field(default_factory=_default_fields)

    @field_validator("languages")
    @classmethod
    def _known_shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import re

        if not value:
            raise ValueError("at least one OCR language")
        bad = [code for code in value if not re.match(_LANGUAGE, code)]
        if bad:
            raise ValueError(f"not Tesseract language codes: {bad}")
        return value

    def check_for(self, field: str) -> tuple[float, str] | None:
        """(threshold, severity) for ``field``, or None when it is not checked."""
        check = self.fields.get(field)
        if check is None:
            return None
        return (self.threshold if check.threshold is None else check.threshold), check.severity
