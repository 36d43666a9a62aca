"""The login throttle on the real store (SQLite and PostgreSQL): attempts
counted before the password check, so parallel guesses count; per account
and per address; a browser the account logged in with still gets in."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from clerk.review.login_throttle import ADDRESS_FACTOR, LoginThrottle
from clerk.store import open_store
from tests.unit.review.conftest import PASSWORD

LIMIT = 5


def _checker(directory, password: str, checked: list[str]):  # noqa: ANN001, ANN202
    def check(name: str):  # noqa: ANN202
        checked.append(name)
        return directory.authenticate(name, password)
    return check


def _login(throttle, name, password, directory, clock, address="10.9.9.9", device=None):  # noqa: ANN001, ANN202
    return throttle.attempt(name, address, device, clock(), _checker(directory, password, []))


def test_parallel_guesses_from_two_processes_are_each_counted(store_url, directory, people, clock):  # noqa: ANN001
    # Two stores (two engines, as two `clerk serve` processes have) and 24 guesses at once.
    stores = [open_store(store_url), open_store(store_url)]
    throttles = [LoginThrottle(s, LIMIT, 300) for s in stores]
    checked: list[str] = []
    start = threading.Barrier(24)

    def guess(n: int):  # noqa: ANN202
        start.wait(timeout=30)
        return throttles[n % 2].attempt("rita", f"10.0.{n}.1", None, clock(),
                                        _checker(directory, "wrong password", checked))

    try:
        with ThreadPoolExecutor(24) as pool:
            outcomes = list(pool.map(guess, range(24)))
    finally:
        for s in stores:
            s.dispose()
    assert len(checked) == LIMIT                      # only five passwords were ever tried
    assert sum(o.throttled for o in outcomes) == 24 - LIMIT
    assert all(o.user is None for o in outcomes)


def test_spellings_of_a_name_share_one_allowance(store, directory, people, clock):  # noqa: ANN001
    throttle = LoginThrottle(store, LIMIT, 300)
    checked: list[str] = []
    for n, spelling in enumerate(["rita", " rita", "RITA ", "Rita", "\uff52\uff49\uff54\uff41", "rItA"]):
        throttle.attempt(spelling, f"10.1.{n}.1", None, clock(),
                         _checker(directory, "wrong password", checked))
    assert checked == ["rita"] * LIMIT                # normalised, and the sixth never checked
    assert _login(throttle, "rita", PASSWORD, directory, clock).throttled


def test_a_locked_account_stays_open_to_its_owners_browser(store, directory, people, clock):  # noqa: ANN001
    throttle = LoginThrottle(store, LIMIT, 300)
    before = _login(throttle, "rita", PASSWORD, directory, clock, address="10.0.0.7")
    assert before.user.username == "rita" and before.device
    for n in range(LIMIT + 3):
        _login(throttle, "rita", "wrong password", directory, clock, address=f"172.16.{n}.1")
    stranger = _login(throttle, "rita", PASSWORD, directory, clock, address="10.0.0.8")
    assert stranger.throttled and stranger.user is None
    forged = _login(throttle, "rita", PASSWORD, directory, clock, device="x" * 43)
    assert forged.throttled
    owner = _login(throttle, "rita", PASSWORD, directory, clock, address="10.0.0.7",
                   device=before.device)
    assert owner.user.username == "rita"
    # Another account's cookie is a stranger's to rita.
    rob = _login(throttle, "rob", PASSWORD, directory, clock)
    assert _login(throttle, "rita", PASSWORD, directory, clock, device=rob.device).throttled


def test_the_owners_browser_has_its_own_bounded_allowance(store, directory, people, clock):  # noqa: ANN001
    throttle = LoginThrottle(store, LIMIT, 300)
    device = _login(throttle, "rita", PASSWORD, directory, clock).device
    tried = [_login(throttle, "rita", "wrong password", directory, clock, device=device)
             for _ in range(LIMIT + 2)]
    assert [t.throttled for t in tried] == [False] * LIMIT + [True, True]


def test_one_address_cannot_lock_out_everyone(store, directory, people, clock):  # noqa: ANN001
    throttle = LoginThrottle(store, LIMIT, 300)
    users = ["rita", "rob", "dana", "fin1", "fin2", "amy", "del", "audrey", "ops", "root"]
    devices = {u: _login(throttle, u, PASSWORD, directory, clock, address="192.0.2.1").device
               for u in users}
    # One address behind which everyone sits (a proxy): a guesser there spends its allowance.
    guesses = [_login(throttle, u, "wrong password", directory, clock, address="192.0.2.1")
               for u in users for _ in range(3)]
    assert sum(not g.throttled for g in guesses) == LIMIT * ADDRESS_FACTOR   # successes refunded
    assert _login(throttle, "rita", PASSWORD, directory, clock, address="192.0.2.1").throttled
    # Everyone's own browser still gets in from that address, and strangers from elsewhere too
    # (no account took more than three failures).
    for user in users:
        assert _login(throttle, user, PASSWORD, directory, clock, address="192.0.2.1",
                      device=devices[user]).user.username == user
        assert _login(throttle, user, PASSWORD, directory, clock, address="198.51.100.9").user


def test_the_allowance_comes_back_when_the_window_passes(store, directory, people, clock):  # noqa: ANN001
    throttle = LoginThrottle(store, LIMIT, 300)
    for _ in range(LIMIT):
        assert not _login(throttle, "rita", "wrong password", directory, clock).throttled
    assert _login(throttle, "rita", PASSWORD, directory, clock).throttled
    clock.advance(301)
    assert _login(throttle, "rita", PASSWORD, directory, clock).user.username == "rita"
