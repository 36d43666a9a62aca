"""The posting turn recorded in the store: a dead holder's call, or one whose
answer was lost, keeps other posters out until the ERP shows it ended or its
window has passed; a clean release lets the next poster in at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from clerk.erp.posting_turn import PostingTurns
from clerk.errors import ErpUnavailable, ErpValidationError
from clerk.store.schema import posting_turns

ERP = "http://127.0.0.1:1/test"
never = lambda keys: False   # noqa: E731 - the ERP never shows the drafts posted


def turns(store, window: float = 30.0) -> PostingTurns:
    return PostingTurns(store, ERP, window_seconds=window, poll_seconds=0.02)


def test_a_clean_release_lets_the_next_poster_in_at_once(store):
    with turns(store).turn("a", ["k1"], never) as first:
        assert not first.reconcile
    started = time.monotonic()
    with turns(store).turn("b", ["k2"], never) as second:
        assert not second.reconcile and second.fence == first.fence + 1
    assert time.monotonic() - started < 5


def test_a_lost_answer_keeps_the_turn_closed_until_the_erp_shows_the_call_ended(store):
    with pytest.raises(ErpUnavailable):
        with turns(store).turn("a", ["k1"], never):
            raise ErpUnavailable("read timeout", answer_lost=True)
    posted = threading.Event()
    seen: list[list[str]] = []

    def settled(keys):
        seen.append(keys)
        return posted.is_set()

    threading.Timer(0.3, posted.set).start()
    started = time.monotonic()
    with turns(store).turn("b", ["k2"], settled) as turn:
        assert turn.reconcile
        assert posted.is_set()
    assert seen and seen[0] == ["k1"]
    assert time.monotonic() - started >= 0.25


def test_a_lost_answer_whose_drafts_never_post_waits_the_whole_window(store):
    with pytest.raises(ErpUnavailable):
        with turns(store, window=1.0).turn("a", ["k1"], never):
            raise ErpUnavailable("connection reset", answer_lost=True)
    started = time.monotonic()
    with turns(store, window=1.0).turn("b", ["k2"], never) as turn:
        assert turn.reconcile
    assert time.monotonic() - started >= 0.8


@pytest.mark.parametrize("error", [ErpUnavailable("HTTP 503", answer_lost=False),
                                   ErpValidationError("refused")])
def test_a_call_that_surely_ended_frees_the_turn_at_once(store, error):
    with pytest.raises(type(error)):
        with turns(store).turn("a", ["k1"], never):
            raise error
    started = time.monotonic()
    with turns(store).turn("b", ["k2"], never) as turn:
        assert not turn.reconcile
    assert time.monotonic() - started < 5


def test_an_erp_that_does_not_answer_is_never_taken_for_idle(store):
    with pytest.raises(ErpUnavailable):
        with turns(store, window=0.3).turn("a", ["k1"], never):
            raise ErpUnavailable("timeout", answer_lost=True)

    def unreachable(keys):
        raise ErpUnavailable("connection refused")

    started = time.monotonic()
    with pytest.raises(ErpUnavailable, match="not answered"):
        with turns(store, window=0.3).turn("b", ["k2"], unreachable):
            pytest.fail("posted while the ERP could still be frozen with the last call inside")
    assert time.monotonic() - started >= 3.0        # ten windows past the last call's


def test_a_thawed_erp_gets_the_erp_timeout_to_finish_the_call_it_took_before_freezing(store):
    """SIGSTOP: the call's window passes while the ERP is frozen; once it answers
    again it may still be running that call, so the turn waits half a window more."""
    with pytest.raises(ErpUnavailable):
        with turns(store, window=1.0).turn("a", ["k1"], never):
            raise ErpUnavailable("read timeout", answer_lost=True)
    thawed_at = time.monotonic() + 1.5

    def frozen_then_thawed(keys):
        if time.monotonic() < thawed_at:
            raise ErpUnavailable("read timeout", answer_lost=True)
        return False                                  # answers: the drafts still draft

    with turns(store, window=1.0).turn("b", ["k2"], frozen_then_thawed) as turn:
        assert turn.reconcile
        assert time.monotonic() >= thawed_at + 0.45


def test_a_failed_release_is_not_an_error_of_the_posting(store, monkeypatch):
    with turns(store).turn("a", ["k1"], never) as turn:
        store.engine.dispose()
        monkeypatch.setattr(store, "write", _broken)
    monkeypatch.undo()
    assert turn.holder == "a"


def _broken():
    raise OSError("database connection cut")


_HOLDER = textwrap.dedent("""
    import signal, sys
    from clerk.erp.posting_turn import PostingTurns
    from clerk.store import open_store
    turns = PostingTurns(open_store(sys.argv[1]), sys.argv[2], window_seconds=float(sys.argv[3]))
    with turns.turn("doomed", ["dead-key"], lambda keys: False):
        print("holding", flush=True)
        signal.pause()          # held until the test SIGKILLs it
""")


def _kill_inside_its_turn(store_url: str, window_seconds: str) -> None:
    """A poster in another process takes the turn and is SIGKILLed holding it."""
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, store_url, ERP, window_seconds],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "holding"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()


def test_a_holder_killed_inside_its_turn_is_waited_out(store, store_url):
    _kill_inside_its_turn(store_url, "1.5")
    started = time.monotonic()
    probed: list[list[str]] = []
    with turns(store).turn("b", ["k2"], lambda keys: probed.append(keys) or False) as turn:
        assert turn.reconcile
    assert probed and probed[0] == ["dead-key"]
    assert time.monotonic() - started >= 1.0      # the dead call's window was honoured


def test_a_holder_killed_inside_its_turn_gives_way_once_its_drafts_are_posted(store, store_url):
    _kill_inside_its_turn(store_url, "600")
    started = time.monotonic()
    with turns(store).turn("b", ["k2"], lambda keys: keys == ["dead-key"]) as turn:
        assert turn.reconcile
    assert time.monotonic() - started < 30


def test_a_stale_holder_cannot_release_its_successors_turn(store):
    with pytest.raises(ErpUnavailable):
        with turns(store, window=0.2).turn("a", ["k1"], never) as stale:
            raise ErpUnavailable("timeout", answer_lost=True)
    with turns(store).turn("b", ["k2"], never) as current:
        turns(store)._release(stale, outcome_unknown=False)
        with store.read() as conn:
            row = conn.execute(posting_turns.select()).one()
        assert row.holder == "b" and row.fence == current.fence


def test_a_lost_answer_reported_per_draft_keeps_the_turn_closed(store):
    """The batch poster does not raise when a call's answer is lost: it reports
    the error per draft. The turn must still stay closed for that call."""
    from types import SimpleNamespace

    from clerk.erp.base import ErpRef
    from clerk.pipeline_batch import _post_drafts

    posting = turns(store)

    class LostAnswers:
        def post_many(self, refs):
            return [ErpUnavailable("Tryton did not answer in time", answer_lost=True) for _ in refs]

        def find_many(self, keys):
            return {}

    pipeline = SimpleNamespace(connector=LostAnswers(),
                               posting_turn=lambda keys: posting.turn("a", keys, never))
    drafts = [ErpRef(erp="t", model="account.invoice", id=i, state="draft",
                     idempotency_key=f"k{i}") for i in (1, 2)]
    results = _post_drafts(pipeline, drafts)
    assert all(isinstance(r, ErpUnavailable) for r in results)
    waited: list[list[str]] = []
    with turns(store).turn("b", ["k9"], lambda keys: waited.append(keys) or True) as turn:
        assert turn.reconcile
    assert waited == [["k1", "k2"]]
