"""What a bot collects from its sources: ``[collect]`` in ``bots/<name>.toml``.

```toml
[collect]
kinds = ["pdf", "xml", "csv", "spreadsheet", "image"]   # images: this bot OCRs scans
```

The default is documents only (PDF, XML, CSV, spreadsheets): an image in a
mail is a logo or a signature far more often than an invoice, so images are
collected only by a bot that reads them. A part of a kind the bot does not
collect is quarantined with the kind as its reason (``image``), never dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clerk.sources import content

CollectedKind = Literal["pdf", "xml", "csv", "spreadsheet", "image"]

DOCUMENT_KINDS: frozenset[CollectedKind] = frozenset({"pdf", "xml", "csv", "spreadsheet"})

_TYPES: dict[str, frozenset[str]] = {
    "pdf": frozenset({content.PDF}), "xml": frozenset({content.XML}), "csv": frozenset({content.CSV}),
    "spreadsheet": frozenset({content.XLSX}), "image": frozenset({content.PNG, content.JPEG, content.TIFF}),
}


class CollectSettings(BaseModel):
    """The kinds of attachment a bot takes from its sources (default: documents only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: frozenset[CollectedKind] = Field(DOCUMENT_KINDS, min_length=1)

    def content_types(self) -> frozenset[str]:
        """The detected content types a source keeps for this bot."""
        return frozenset().union(*(_TYPES[kind] for kind in self.kinds))
