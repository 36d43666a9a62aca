"""A long run's log.html stays small: passed loop iterations leave the log,
a failed iteration stays whole, and the keywords load from split files."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

from clerk.bots import load_bots
from clerk.runner.run import run_bot
from tests.unit.runner.test_run import project_factory  # noqa: F401

LOOP_ROBOT = """*** Tasks ***
Loop over rows
    FOR    ${i}    IN RANGE    60
        Handle Row    ${i}
    END

*** Keywords ***
Handle Row
    [Arguments]    ${i}
    Log    handling row ${i}
    Log    checked row ${i}
    IF    ${i} == 25    Run Keyword And Continue On Failure    Fail    row ${i} broke
"""
# log.html appends to window.output["strings"]; a split file sets window.stringsN.
_STRINGS = re.compile(r'(?:window\.output\["strings"\]\.concat\(|window\.strings\d+ = )(\[.*?\])\)?;\n',
                      re.DOTALL)


def log_strings(output_dir: Path) -> set[str]:
    """Every text in log.html and its split log-N.js files, decoded as the page does."""
    texts = set()
    for path in [output_dir / "log.html", *sorted(output_dir.glob("log-*.js"))]:
        for block in _STRINGS.findall(path.read_text(encoding="utf-8")):
            # RF writes "<" as \x3c, which JavaScript reads and JSON does not.
            for text in json.loads(re.sub(r"\\x([0-9a-fA-F]{2})", r"\\u00\1", block)):
                texts.add(text[1:] if text.startswith("*") else
                          zlib.decompress(base64.b64decode(text)).decode())
    return texts


def test_a_long_loop_keeps_its_failure_whole_and_drops_passed_iterations(project_factory):  # noqa: ANN001, F811
    project = project_factory({"rows": 'robot = "robots/rows.robot"\n'},
                              files={"robots/rows.robot": LOOP_ROBOT})
    outcome = run_bot(project, load_bots(project.settings.project_dir)["rows"])
    assert outcome.status == "failed"
    assert list(outcome.output_dir.glob("log-*.js")), "the log's keywords are split out"
    texts = log_strings(outcome.output_dir)
    assert {"handling row 25", "checked row 25", "row 25 broke"} <= texts   # the failure, whole
    assert "handling row 59" in texts                                        # the last iteration
    assert not {f"handling row {n}" for n in (0, 1, 24, 26, 58)} & texts      # passed ones gone
