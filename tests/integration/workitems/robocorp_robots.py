"""Robocorp-style robots, written only against the robocorp.workitems API (as
they would run in Control Room), for the tests to run under ``clerk run``.

Written into a test project as ``keywords/<name>.py`` and ``robots/<name>.robot``."""

PRODUCER_LIBRARY = '''
"""A producer: each order (input item) becomes one output item per line, with
the line's delivery note attached as a file."""
from robocorp import workitems


def split_orders_into_lines(scratch):
    for item in workitems.inputs:
        order = item.payload
        for number, line in enumerate(order["lines"]):
            note = f"delivery note {order['order']}/{number}: {line['article']}".encode()
            path = f"{scratch}/note-{order['order']}-{number}.txt"
            with open(path, "wb") as handle:
                handle.write(note)
            workitems.outputs.create({"order": order["order"], "line": number, **line},
                                     files=[path])
'''

CONSUMER_LIBRARY = '''
"""A consumer: books each line into a ledger file (one line per booking), after
checking its file. A line of an unknown article is a business exception; a
line marked ``flaky`` fails once as an application exception."""
import os
import time
from pathlib import Path

from robocorp import workitems


def book_order_lines(ledger_dir):
    ledger = Path(ledger_dir)
    for item in workitems.inputs:
        with item:   # Robocorp's idiom: done on success, failed (typed) on an exception
            _book(item, ledger)


def _book(item, ledger):
    line = item.payload
    key = f"{line['order']}-{line['line']}"
    (ledger / f"started-{key}-{os.getpid()}").write_text("")
    if (ledger / "hold").exists():
        _wait_to_be_killed(ledger / "hold")
    note = item.get_file(item.files[0], ledger / f"note-{key}.txt").read_text()
    if line["article"] == "UNKNOWN":
        raise workitems.BusinessException(message=f"no article {line['article']}",
                                          code="unknown_article")
    flaky = ledger / f"flaked-{key}"
    if line.get("flaky") and not flaky.exists():
        flaky.write_text("")
        raise workitems.ApplicationException(message="ERP timeout", code="erp_timeout")
    with open(ledger / "ledger.txt", "a") as handle:
        handle.write(f"{key} {line['quantity']} {note}\\n")


def _wait_to_be_killed(hold):
    deadline = time.monotonic() + 120
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
'''

ROBOT = '''*** Settings ***
Documentation    A Robocorp robot, unchanged, under clerk run.
Library    {library}

*** Tasks ***
{task}
    {keyword}
'''
