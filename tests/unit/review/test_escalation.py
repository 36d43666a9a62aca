"""SLA escalation mails through a real SMTP server (aiosmtpd) on loopback."""

import pytest

from clerk.queue import ItemState
from clerk.review.escalation import escalate
from clerk.review.settings import MailSettings, ReviewSettings
from tests.fixtures.services import free_port
from tests.unit.review.conftest import BIG, invoice, item_in


@pytest.fixture
def smtp_sink():  # noqa: ANN201
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):  # noqa: ANN001, ANN202
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield MailSettings(host="127.0.0.1", port=controller.port, sender="clerk@test"), received
    controller.stop()


def test_overdue_review_and_approval_are_mailed_once(queue, people, clock, directory, smtp_sink):  # noqa: ANN001
    mail, received = smtp_sink
    directory.set_roles("rita", ["reviewer"], now=clock(), actor="t")
    from sqlalchemy import update
    from clerk.review.tables import users
    with queue.store.write() as conn:
        conn.execute(update(users).where(users.c.username.in_(["rita", "rob"])).values(groups="reviewers"))
    late = item_in(queue, ItemState.NEEDS_REVIEW, key="late")
    from clerk.review.approvals import route_to_approval
    from clerk.review.policy import approval_plan
    from clerk.review.settings import ApprovalPolicy
    policy = ApprovalPolicy.model_validate({"rules": [{"name": "big", "when": {"min_amount": "1000"},
        "steps": [{"name": "head", "approvers": ["dana"], "sla_hours": 2, "escalate_to": ["fin1"]}]}]})
    item_id, lease = item_in(queue, ItemState.VALIDATED, record=invoice(BIG), key="big")
    route_to_approval(queue, lease, approval_plan(invoice(BIG), {}, policy, None))
    reviews = {"invoices": ReviewSettings(sla_hours=8)}
    assert escalate(queue, directory, mail, reviews, ReviewSettings()) == {"review": 0, "approval": 0}
    clock.advance(9 * 3600)
    assert escalate(queue, directory, mail, reviews, ReviewSettings()) == {"review": 1, "approval": 1}
    assert escalate(queue, directory, mail, reviews, ReviewSettings()) == {"review": 0, "approval": 0}
    to = sorted(m["To"] for m in received)
    assert to == ["fin1@example.test", "rita@example.test, rob@example.test"]
    assert any(f"item {late} overdue" in m["Subject"] for m in received)
