import os
import random
import signal
import time
from datetime import date

import pytest

from clerk.errors import ExtractionError
from clerk.extract import PdfSandbox, SandboxLimits
from clerk.testing import demo_invoice, plain_pdf


@pytest.fixture(scope="module")
def good_pdf() -> bytes:
    return plain_pdf(demo_invoice("ACME", "S-1", [("PAPER-A4", 1, "4.20")], issue_date=date(2026, 11, 2)), "acme")


def _fuzzed(data: bytes, rng: random.Random) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(20, 200)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


def test_truncated_and_fuzzed_pdfs_are_refused_quickly_and_the_child_is_reused(good_pdf):
    rng = random.Random(20261126)
    broken = [good_pdf[:cut] for cut in (9, 100, len(good_pdf) // 3, len(good_pdf) - 30)]
    broken += [_fuzzed(good_pdf, rng) for _ in range(30)]
    broken += [b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(2000))]
    refused = 0
    with PdfSandbox(SandboxLimits(timeout_s=4)) as sandbox:
        for data in broken:
            started = time.monotonic()
            try:
                sandbox.read(data)
            except ExtractionError as error:
                assert error.reason in {"malformed_pdf", "pdf_timeout", "pdf_crashed", "pdf_memory_limit"}
                refused += 1
            assert time.monotonic() - started < 5
        assert sandbox.read(good_pdf).pages  # still serving after all of that
        assert sandbox.starts <= 1 + (len(broken) - refused)  # reused, not one process per file
    assert refused >= 5  # truncations and pure noise at least


def test_a_hung_child_becomes_pdf_timeout_and_is_replaced(good_pdf):
    with PdfSandbox(SandboxLimits(timeout_s=0.5)) as sandbox:
        assert sandbox.read(good_pdf).page_count == 1
        hung = sandbox.pid
        os.kill(hung, signal.SIGSTOP)   # a parser stuck forever, as far as the caller can tell
        started = time.monotonic()
        with pytest.raises(ExtractionError) as caught:
            sandbox.read(good_pdf)
        assert caught.value.reason == "pdf_timeout"
        assert time.monotonic() - started < 2
        assert sandbox.read(good_pdf).page_count == 1
        assert sandbox.pid != hung


def test_a_child_that_dies_becomes_pdf_crashed(good_pdf):
    # 1 MB of address space: the child cannot even import the parser and dies.
    with PdfSandbox(SandboxLimits(memory_mb=1, timeout_s=4)) as sandbox:
        with pytest.raises(ExtractionError) as caught:
            sandbox.read(good_pdf)
        assert caught.value.reason == "pdf_crashed"


def test_close_stops_the_child(good_pdf):
    sandbox = PdfSandbox()
    sandbox.read(good_pdf)
    pid = sandbox.pid
    sandbox.close()
    assert sandbox.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
