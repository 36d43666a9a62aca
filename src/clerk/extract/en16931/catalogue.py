"""Every check this package runs: rule id -> its text, and the default severity.

The standard flags every rule here as fatal except BR-51 (a warning), so a
breach is an ``error`` by default; the stdnum identifier checks are clerk's
own, and ``warning`` by default (test and sample documents often carry
made-up identifiers).
"""

from __future__ import annotations

from clerk.extract.en16931._ids import TEXTS as ID_TEXTS
from clerk.extract.en16931._texts import CO, CORE, SPECIFIC, category_texts
from clerk.extract.en16931._vat import CATEGORIES
from clerk.models.finding import Severity

RULE_TEXTS: dict[str, str] = {**CORE, **CO}
for _category in CATEGORIES:
    RULE_TEXTS.update(category_texts(_category.code, _category.prefix, _category.name, _category.exactly_one))
RULE_TEXTS.update(SPECIFIC)
RULE_TEXTS.update(ID_TEXTS)

DEFAULT_SEVERITY: dict[str, Severity] = {rule: Severity.ERROR for rule in RULE_TEXTS}
DEFAULT_SEVERITY["BR-51"] = Severity.WARNING
for _code in ID_TEXTS:
    DEFAULT_SEVERITY[_code] = Severity.WARNING
