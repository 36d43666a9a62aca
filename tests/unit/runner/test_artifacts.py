"""A long run's log.html stays small: passed loop iterations leave the log,
a failed iteration stays whole, and log.html is one self-contained file."""

from __future__ import annotations

from clerk.bots import load_bots
from clerk.runner.run import run_bot
from tests.fixtures.rflog import log_strings
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
def test_a_long_loop_keeps_its_failure_whole_and_drops_passed_iterations(project_factory):  # noqa: ANN001, F811
    project = project_factory({"rows": 'robot = "robots/rows.robot"\n'},
                              files={"robots/rows.robot": LOOP_ROBOT})
    outcome = run_bot(project, load_bots(project.settings.project_dir)["rows"])
    assert outcome.status == "failed"
    assert not list(outcome.output_dir.glob("log-*.js")), "clerk serve hands out log.html alone"
    texts = set(log_strings(outcome.output_dir))
    assert {"handling row 25", "checked row 25", "row 25 broke"} <= texts   # the failure, whole
    assert "handling row 59" in texts                                        # the last iteration
    assert not {f"handling row {n}" for n in (0, 1, 24, 26, 58)} & texts      # passed ones gone
