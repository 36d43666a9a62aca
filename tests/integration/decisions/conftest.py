"""The shipped project (the repository's own config/, bots/, keywords/ and
robots/) pointed at a real Tryton, served over real HTTP by uvicorn, with
people of overlapping roles; helpers to put items in front of them.

Only two things differ from the repository: the ERP's address (the test's
Tryton) and, where a test says so, rules appended to a bot's file.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from clerk.project import Project
from clerk.queue import ItemState
from tests.fixtures.services import free_port
from tests.helpers.projects import open_test_project

REPO = Path(__file__).resolve().parents[3]
BOT = "supplier_invoices"
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Overlapping roles on purpose: bob and root may both review and approve.
PEOPLE = {"ann": ["reviewer"], "bob": ["reviewer", "approver"], "cat": ["approver"],
          "dan": ["approver"], "ops": ["operator"], "aud": ["auditor"], "root": ["admin"]}
NEW_IBAN = "DE75512108001245126199"
# The two approval rules of the issue's walk-through, appended to the shipped bot.
TWO_RULES = """
[[approval.rules]]
name = "bank account changed"
when = { bank_account_changed = true }
steps = [{ name = "treasury", approvers = ["cat"] }]

[[approval.rules]]
name = "above 1000"
when = { min_amount = "1000" }
steps = [{ name = "department head", approvers = ["dan"] }]
"""


def shipped_project(root: Path, tryton, bot_extra: str = "") -> Path:  # noqa: ANN001
    """A copy of the repository's project whose ERP is ``tryton``."""
    for folder in ("config", "bots", "keywords", "robots"):
        shutil.copytree(REPO / folder, root / folder)
    config = root / "config" / "clerk.toml"
    text = config.read_text()
    text = text.replace('url = "http://127.0.0.1:8123"', f'url = "{tryton.url}"')
    text = text.replace('database = "clerk_demo"', f'database = "{tryton.database}"')
    config.write_text(text)
    password = root / "var" / "erp" / "admin.password"
    password.parent.mkdir(parents=True)
    password.write_text(tryton.password.get_secret_value())
    if bot_extra:
        with (root / "bots" / f"{BOT}.toml").open("a") as bot:
            bot.write(bot_extra)
    return root


@dataclass
class Live:
    """The web app of a project on a real port."""

    url: str
    project: Project
    app: object
    server: object = None
    thread: threading.Thread | None = None
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, username: str) -> httpx.Client:
        if username not in self.clients:
            client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)
            token = CSRF.search(client.get("/login").text).group(1)
            answer = client.post("/login", data={"username": username, "password": PASSWORD,
                                                 "csrf_token": token, "next": "/"})
            assert answer.status_code == 303, answer.text
            self.clients[username] = client
        return self.clients[username]

    def csrf(self, client: httpx.Client) -> str:
        return CSRF.search(client.get("/", follow_redirects=True).text).group(1)

    def token(self, username: str) -> str:
        """The user's API token, issued once (a live token's name is unique per user)."""
        if username not in self.tokens:
            self.tokens[username] = self.app.state.web.directory.issue_token(
                username, "tests", now=datetime.now(UTC), actor="test")
        return self.tokens[username]

    def stop(self) -> None:
        for client in self.clients.values():
            client.close()
        self.server.should_exit = True
        self.thread.join(timeout=30)


def add_people(project: Project) -> None:
    from clerk.review.users import UserDirectory

    people = UserDirectory(project.store, project.audit,
                           PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for name, roles in PEOPLE.items():
        people.add(name, PASSWORD, roles, now=datetime.now(UTC), actor="test",
                   groups=["accounts-payable"] if "reviewer" in roles else [])


def serve(project: Project) -> Live:
    """``create_app`` on the project as ``clerk serve --insecure-cookies`` builds it."""
    import uvicorn
    from argon2 import PasswordHasher as Hasher

    from clerk.review.users import UserDirectory
    from clerk.web.app import create_app
    from clerk.web.commands import settings_of

    settings = settings_of(project).model_copy(update={"secure_cookies": False})
    directory = UserDirectory(project.store, project.audit,
                              Hasher(time_cost=1, memory_cost=8, parallelism=1))
    app = create_app(project, settings, directory=directory)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    return Live(url=f"http://127.0.0.1:{port}", project=project, app=app, server=server,
                thread=thread)


@pytest.fixture(scope="module")
def live(tmp_path_factory, tryton_server):  # noqa: ANN001, ANN201
    root = shipped_project(tmp_path_factory.mktemp("shipped"), tryton_server, TWO_RULES)
    project = open_test_project(root)
    add_people(project)
    served = serve(project)
    yield served
    served.stop()
    served.app.state.web.decisions.close()
    project.close()


_counter = iter(range(1, 10**9))


def number(tag: str) -> str:
    return f"{tag}-{datetime.now(UTC):%H%M%S%f}-{next(_counter)}"


def invoice_of(kind: str, tag: str = "INV"):  # noqa: ANN201 - Invoice
    """A demo invoice staging one case: ``clean``, ``big`` (above 1000),
    ``total_mismatch`` (gross 100.00 too high), ``unknown_supplier``,
    ``bank_account_changed`` (an IBAN the ERP does not have for ACME)."""
    from clerk.testing import demo_invoice

    quantity = "300" if kind == "big" else "10"
    supplier = "GHOST" if kind == "unknown_supplier" else "ACME"
    iban = NEW_IBAN if kind == "bank_account_changed" else None
    invoice = demo_invoice(supplier, number(tag), [("PAPER-A4", quantity, "4.20")],
                           issue_date=date.today(), iban=iban)
    if kind == "total_mismatch":
        totals = invoice.totals.model_copy(update={"gross": invoice.totals.gross + Decimal("100.00"),
                                                   "payable": invoice.totals.payable + Decimal("100.00")})
        invoice = invoice.model_copy(update={"totals": totals})
    return invoice


def enqueue_document(project: Project, invoice, bot: str = BOT) -> int:  # noqa: ANN001
    """A UBL file and a collected item, as intake makes them."""
    from clerk.testing import ubl_xml

    folder = project.settings.output_dir / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{invoice.number}.xml"
    path.write_bytes(ubl_xml(invoice))
    return project.queue.enqueue(bot, f"test:{invoice.number}",
                                 {"path": str(path), "filename": path.name}).item_id


def validated_item(live: Live, invoice, bot: str = BOT) -> int:  # noqa: ANN001
    """An item the way a worker leaves it after the rules: extracted, then checked
    by the bot's own rule set and the ERP (the service's checks are the worker's)."""
    project = live.project
    item_id = enqueue_document(project, invoice, bot)
    queue = project.queue
    leases = queue.lease("w-test", limit=100, bots=[bot])
    lease = next(held for held in leases if held.item_id == item_id)
    for other in leases:
        if other is not lease:
            queue.release(other)
    from clerk.pipeline import idempotency_key

    record = {"record_type": "invoice", **invoice.model_dump(mode="json")}
    lease = queue.advance(lease, ItemState.EXTRACTED, record=record,
                          idempotency_key=idempotency_key(bot, lease.document_key))
    checked = live.app.state.web.decisions.checks(bot).check(queue, queue.get(item_id), invoice)
    if checked.blocking:
        queue.advance(lease, ItemState.NEEDS_REVIEW, findings=checked.findings,
                      reason_code=",".join(checked.blocking))
    else:
        lease = queue.advance(lease, ItemState.VALIDATED, findings=checked.findings)
        queue.release(lease)
    return item_id
