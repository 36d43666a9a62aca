"""Per-bot settings of the EN 16931 rules: on or off, and the severity of each rule.

In a bot file (``bots/<name>.toml``)::

    [validation.en16931]
    enabled = true
    severity = { "BR-CO-25" = "warning", "BR-IC-*" = "info", "BR-62" = "off", "vat_id_invalid" = "error" }

A key is a rule id or a shell pattern of rule ids; the exact id wins over a
pattern, a longer pattern over a shorter one. ``off`` drops the rule's findings.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clerk.models.finding import Severity

Level = Literal["error", "warning", "info", "off"]


class En16931Settings(BaseModel):
    """Which EN 16931 checks run on e-invoices, and how severe each breach is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    severity: dict[str, Level] = Field(default_factory=dict)

    @field_validator("severity")
    @classmethod
    def _known_rules(cls, value: dict[str, Level]) -> dict[str, Level]:
        from clerk.extract.en16931.catalogue import RULE_TEXTS

        for key in value:
            if not any(fnmatchcase(rule, key) for rule in RULE_TEXTS):
                raise ValueError(f"{key!r} names no EN 16931 rule (rule ids look like BR-06, BR-CO-15, BR-S-08)")
        return value

    def level(self, rule: str) -> Severity | None:
        """The severity of a breach of ``rule``; ``None`` when the rule is off."""
        from clerk.extract.en16931.catalogue import DEFAULT_SEVERITY

        if rule in self.severity:
            chosen = self.severity[rule]
        else:
            patterns = sorted((key for key in self.severity if fnmatchcase(rule, key)), key=len, reverse=True)
            if not patterns:
                return DEFAULT_SEVERITY.get(rule, Severity.ERROR)
            chosen = self.severity[patterns[0]]
        return None if chosen == "off" else Severity(chosen)
