"""Run artifacts: output.xml masked once more, then log.html and report.html.

The listener already masks text as it is logged; this pass covers what a
listener never sees (suite and task documentation, metadata, names built from
variables, a secret registered only after it was logged) before the HTML is
generated from output.xml, so the three files agree and none holds a secret.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robot.api import ExecutionResult, ResultVisitor
from robot import rebot

from clerk.audit.redact import SecretMasker

# The run keeps a summary in the RF log; per-item detail lives in the store.
# A run over 10,000 items must still give a log.html a browser opens: passed
# FOR/WHILE iterations are removed (the last one is kept, to show the shape)
# and every failed iteration stays whole, keywords and messages, which is what
# an operator opens the log for. `For Each Work Item` is flattened during the
# run already (its robot:flatten tag), with per-item logging at WARN.
REMOVE_KEYWORDS = ("for", "wuks", "name:clerk.keywords.*.Wait Until *")
FLATTEN_KEYWORDS: tuple[str, ...] = ()


@dataclass(frozen=True)
class Artifacts:
    output: Path
    log: Path
    report: Path


class _Masking(ResultVisitor):
    def __init__(self, masker: SecretMasker):
        self.mask = masker.mask_text

    def start_suite(self, suite: Any) -> None:
        suite.name = self.mask(suite.name)
        suite.doc = self.mask(suite.doc)
        suite.message = self.mask(suite.message)
        for key in list(suite.metadata):
            suite.metadata[key] = self.mask(suite.metadata[key])

    def start_test(self, test: Any) -> None:
        test.name = self.mask(test.name)
        test.doc = self.mask(test.doc)
        test.message = self.mask(test.message)

    def start_keyword(self, keyword: Any) -> None:
        keyword.args = tuple(self.mask(str(arg)) for arg in keyword.args)
        keyword.message = self.mask(keyword.message)
        keyword.doc = self.mask(keyword.doc)
        keyword.assign = tuple(self.mask(str(a)) for a in keyword.assign)

    def start_body_item(self, item: Any) -> None:
        # Control structures (FOR values, IF conditions) may carry resolved text.
        for name in ("message", "values", "condition", "value"):
            current = getattr(item, name, None)
            if isinstance(current, str):
                setattr(item, name, self.mask(current))
            elif isinstance(current, tuple) and all(isinstance(v, str) for v in current):
                setattr(item, name, tuple(self.mask(v) for v in current))

    def visit_message(self, message: Any) -> None:
        message.message = self.mask(message.message)

    def start_errors(self, errors: Any) -> None:
        for message in errors.messages:
            message.message = self.mask(message.message)


def write_artifacts(output: Path, masker: SecretMasker, *, title: str,
                    remove_keywords: tuple[str, ...] = REMOVE_KEYWORDS,
                    flatten_keywords: tuple[str, ...] = FLATTEN_KEYWORDS) -> Artifacts:
    """Mask ``output`` in place and write log.html and report.html beside it."""
    if masker.values:
        result = ExecutionResult(str(output))
        result.visit(_Masking(masker))
        result.save(str(output))
    log, report = output.with_name("log.html"), output.with_name("report.html")
    # No --splitlog: the removals above already bound the log, and one
    # self-contained log.html is what `clerk serve` hands out as a download
    # (split log-<n>.js files beside it would not travel with it).
    rebot(str(output), output=None, log=str(log), report=str(report), rpa=True,
          logtitle=f"{title} log", reporttitle=f"{title} report",
          removekeywords=list(remove_keywords), flattenkeywords=list(flatten_keywords),
          stdout=io.StringIO(), stderr=io.StringIO())
    return Artifacts(output, log, report)
