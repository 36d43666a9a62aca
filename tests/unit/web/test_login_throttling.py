"""Login throttling through HTTP: spellings of a name, parallel posts,
strangers locked out while the owner's browser gets in."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.unit.web.conftest import CSRF

GOOD, BAD = "correct horse battery", "wrong password"


def _client(app, address: str) -> TestClient:  # noqa: ANN001
    return TestClient(app, follow_redirects=False, client=(address, 50000))


def _post_login(client: TestClient, username: str, password: str) -> int:
    token = CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": "/"}).status_code


def test_spellings_of_a_name_from_many_addresses_share_one_allowance(app, people):  # noqa: ANN001
    spellings = ["rita", " rita", "RITA ", "\uff52\uff49\uff54\uff41", "Rita", " RiTa "]
    answers = [_post_login(_client(app, f"10.2.{n}.{k}"), spelling, BAD)
               for n, spelling in enumerate(spellings) for k in range(2)]
    assert answers.count(401) == 5 and answers.count(429) == 7, answers
    assert _post_login(_client(app, "10.3.0.1"), "rita", GOOD) == 429


def test_a_full_width_name_logs_in(app, people):  # noqa: ANN001
    assert _post_login(_client(app, "10.4.0.1"), " \uff52\uff49\uff54\uff41 ", GOOD) == 303


def test_parallel_wrong_logins_all_count(app, project, people, clock):  # noqa: ANN001
    # argon2 at its production cost: a check long enough for parallel posts to overlap it.
    from clerk.review.users import UserDirectory
    from clerk.web.app import create_app

    slow = UserDirectory(project.store, project.audit)
    slow.add("vera", GOOD, ["reviewer"], now=clock(), actor="test")
    app = create_app(project, app.state.web.settings, clock=clock, directory=slow, bots={})
    clients = [_client(app, f"10.5.{n}.1") for n in range(12)]
    tokens = [CSRF.search(c.get("/login").text).group(1) for c in clients]
    start = threading.Barrier(len(clients))

    def post(n: int) -> int:
        start.wait(timeout=30)
        return clients[n].post("/login", data={"username": "vera", "password": BAD,
                                                "csrf_token": tokens[n]}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(post, range(len(clients))))
    assert answers.count(401) == 5 and answers.count(429) == 7, answers


def test_the_owners_browser_logs_in_while_strangers_are_locked_out(app, people):  # noqa: ANN001
    owner = _client(app, "10.6.0.1")
    assert _post_login(owner, "rita", GOOD) == 303
    assert owner.cookies.get("clerk_device")
    for n in range(7):
        _post_login(_client(app, f"10.7.{n}.1"), "rita", BAD)
    assert _post_login(_client(app, "10.6.0.2"), "rita", GOOD) == 429
    assert _post_login(owner, "rita", GOOD) == 303
