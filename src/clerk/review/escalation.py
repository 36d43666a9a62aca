"""SLA escalation: items overdue in review, and approval steps past their SLA,
are mailed once to the people responsible (SMTP to the configured host).

Each escalation is recorded (a row and an audit event) before the mail goes
out, so two ``clerk serve`` processes or a second pass never mail the same
item twice: at most once, and the audit trail says to whom. A send that
fails raises after the record: the operator sees the SMTP error.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import insert, select, update

from clerk.queue import ItemState, WorkQueue
from clerk.review.sla import overdue_condition
from clerk.review.settings import MailSettings, ReviewSettings
from clerk.review.tables import approval_steps, review_escalations
from clerk.review.users import UserDirectory
from clerk.store.schema import work_items

wi = work_items.c
BATCH = 200


def send_mail(mail: MailSettings, recipients: list[str], subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = ", ".join(recipients)
    # Subjects carry untrusted text (supplier names): no header injection.
    message["Subject"] = " ".join(subject.split())[:200]
    message.set_content(body)
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_s) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.user and mail.password:
            smtp.login(mail.user, mail.password.get_secret_value())
        smtp.send_message(message)


def _addresses(directory: UserDirectory, names: Iterable[str], group: str | None) -> list[str]:
    found: set[str] = set()
    for name in names:
        if "@" in name:
            found.add(name)
        else:
            user = directory.get(name)
            if user.email and not user.disabled:
                found.add(user.email)
    if not found and group:
        found = {u.email for u in directory.members(group) if u.email}
    return sorted(found)


def overdue_reviews(queue: WorkQueue, reviews: dict[str, ReviewSettings], default: ReviewSettings,
                    now: datetime) -> list[Any]:
    """needs_review items past their bot's SLA (the inbox's clock) and not escalated yet."""
    escalated = select(review_escalations.c.item_id).where(review_escalations.c.kind == "review")
    with queue.store.read() as conn:
        return conn.execute(select(wi.id, wi.bot, wi.reason_code, wi.updated_at).where(
            wi.state == ItemState.NEEDS_REVIEW.value, wi.superseded_by.is_(None),
            overdue_condition(reviews, default, now),
            wi.id.not_in(escalated)).order_by(wi.updated_at).limit(BATCH)).all()


def escalate(queue: WorkQueue, directory: UserDirectory, mail: MailSettings,
             reviews: dict[str, ReviewSettings], default: ReviewSettings) -> dict[str, int]:
    """One pass: mail every newly overdue review item and approval step."""
    now = queue.clock()
    sent = {"review": 0, "approval": 0}
    for row in overdue_reviews(queue, reviews, default, now):
        review = reviews.get(row.bot, default)
        to = _addresses(directory, review.escalate_to, review.group)
        if to and _mark(queue, row.id, None, "review", to, now):
            send_mail(mail, to, f"[clerk] item {row.id} overdue in review ({row.bot})",
                      f"Item {row.id} of bot {row.bot} has waited since {row.updated_at:%Y-%m-%d %H:%M} "
                      f"UTC (reason: {row.reason_code or '-'}); its SLA is {review.sla_text}, due "
                      f"{review.due_at(row.updated_at):%Y-%m-%d %H:%M} UTC.")
            sent["review"] += 1
    for step in _overdue_steps(queue, now):
        to = _addresses(directory, step.escalate_to or [], None) or \
            _addresses(directory, [a for a in step.approvers if not a.startswith("group:")], None)
        if to and _mark(queue, step.item_id, step.id, "approval", to, now):
            send_mail(mail, to, f"[clerk] approval '{step.name}' of item {step.item_id} overdue",
                      f"The approval step {step.name} of item {step.item_id} was due "
                      f"{step.due_at:%Y-%m-%d %H:%M} UTC.")
            sent["approval"] += 1
    return sent


def _overdue_steps(queue: WorkQueue, now: datetime) -> list[Any]:
    with queue.store.read() as conn:
        return conn.execute(select(approval_steps).where(
            approval_steps.c.status == "open", approval_steps.c.due_at < now,
            approval_steps.c.escalated_at.is_(None)).limit(BATCH)).all()


def _mark(queue: WorkQueue, item_id: int, step_id: int | None, kind: str, to: list[str],
          now: datetime) -> bool:
    """Record the escalation; False if another process did it first."""
    with queue.store.write() as conn:
        if step_id is not None:
            done = conn.execute(update(approval_steps).where(
                approval_steps.c.id == step_id, approval_steps.c.escalated_at.is_(None))
                .values(escalated_at=now)).rowcount
        else:
            done = not conn.scalar(select(review_escalations.c.id).where(
                review_escalations.c.item_id == item_id, review_escalations.c.kind == kind)
                .with_for_update())
        if not done:
            return False
        conn.execute(insert(review_escalations).values(item_id=item_id, kind=kind,
                                                       recipients=to, at=now))
        queue.audit.append(conn, actor="clerk", action="escalated", item_id=item_id, at=now,
                           data={"kind": kind, "to": to, "step_id": step_id})
    return True


def escalated_items(queue: WorkQueue, item_ids: list[int]) -> set[int]:
    with queue.store.read() as conn:
        return set(conn.scalars(select(review_escalations.c.item_id)
                                .where(review_escalations.c.item_id.in_(item_ids))))
