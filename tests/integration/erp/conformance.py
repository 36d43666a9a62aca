"""The behaviour every ErpConnector must show, as one reusable test class.

Use it for a new connector by subclassing in a ``test_<erp>_conformance.py``
and providing these fixtures:

- ``connector``: a logged-in connector;
- ``make_invoice(number) -> Invoice``: an invoice the ERP accepts;
- ``make_unpostable_invoice(number) -> Invoice``: one the ERP creates as a
  draft but refuses to post (its own validation);
- ``erp_refusal_text``: a fragment of the ERP's own refusal message;
- ``count_records(key) -> int``: how many ERP records carry ``key`` (read
  straight from the ERP, not through ``find``);
- ``bad_credentials_connector``: the same ERP, wrong password;
- ``unreachable_connector``: pointing at a closed port.
"""

from __future__ import annotations

import uuid

import pytest

from clerk.erp.base import ErpConnector, ErpRef, PostingState
from clerk.errors import ErpAuthError, ErpUnavailable, ErpValidationError


def new_key() -> str:
    return f"conformance-{uuid.uuid4().hex}"


def post_exactly_once(connector, invoice, key: str, state=PostingState.DRAFT,
                      attempts: int = 5) -> ErpRef:
    """The caller's side of exactly-once: find before create, retry when unavailable."""
    last: Exception | None = None
    for _ in range(attempts):
        try:
            return connector.find(key) or connector.create(invoice, key, state)
        except ErpUnavailable as error:
            last = error
    raise AssertionError(f"still unavailable after {attempts} attempts: {last}")


class ErpConnectorConformance:
    """Behavioural tests shared by every connector."""

    def test_is_an_erp_connector(self, connector):
        assert isinstance(connector, ErpConnector)
        assert connector.name

    def test_find_unknown_key_is_none(self, connector):
        assert connector.find(new_key()) is None

    def test_create_draft_is_found(self, connector, make_invoice):
        key = new_key()
        ref = connector.create(make_invoice(key[-12:]), key)
        found = connector.find(key)
        assert found is not None
        assert (found.id, found.idempotency_key, found.state) == (ref.id, key, "draft")

    def test_create_posted_is_found_with_number(self, connector, make_invoice):
        key = new_key()
        ref = connector.create(make_invoice(key[-12:]), key, PostingState.POSTED)
        assert ref.state == "posted" and ref.number
        found = connector.find(key)
        assert (found.id, found.state, found.number) == (ref.id, "posted", ref.number)

    def test_retry_after_success_creates_nothing(self, connector, make_invoice,
                                                 count_records):
        key = new_key()
        invoice = make_invoice(key[-12:])
        first = post_exactly_once(connector, invoice, key)
        second = post_exactly_once(connector, invoice, key)
        assert first.id == second.id
        assert count_records(key) == 1

    def test_post_many_posts_drafts_in_order(self, connector, make_invoice):
        keys = [new_key() for _ in range(3)]
        drafts = [connector.create(make_invoice(key[-12:]), key) for key in keys]
        results = connector.post_many(drafts)
        assert [r.id for r in results] == [d.id for d in drafts]
        assert all(r.state == "posted" and r.number for r in results)
        assert len({r.number for r in results}) == 3

    def test_post_many_again_is_harmless(self, connector, make_invoice):
        key = new_key()
        draft = connector.create(make_invoice(key[-12:]), key)
        first, = connector.post_many([draft])
        again, = connector.post_many([draft])      # e.g. after a lost response
        assert (again.state, again.number) == ("posted", first.number)

    def test_erp_refusal_carries_erp_message(self, connector, make_unpostable_invoice,
                                             erp_refusal_text):
        key = new_key()
        with pytest.raises(ErpValidationError) as refused:
            connector.create(make_unpostable_invoice(key[-12:]), key, PostingState.POSTED)
        assert erp_refusal_text in refused.value.message, refused.value.message
        assert refused.value.code == "erp_rejected"
        # The draft stays where people can see it, and find knows it.
        assert connector.find(key).state == "draft"

    def test_refused_draft_in_batch_isolated(self, connector, make_invoice,
                                             make_unpostable_invoice, erp_refusal_text):
        keys = [new_key() for _ in range(4)]
        invoices = [make_invoice(k[-12:]) for k in keys[:3]]
        invoices.insert(2, make_unpostable_invoice(keys[3][-12:]))
        keys.insert(2, keys.pop())
        drafts = [connector.create(inv, key) for inv, key in zip(invoices, keys)]
        results = connector.post_many(drafts)
        assert isinstance(results[2], ErpValidationError)
        assert erp_refusal_text in results[2].message, results[2].message
        others = [r for i, r in enumerate(results) if i != 2]
        assert all(isinstance(r, ErpRef) and r.state == "posted" for r in others)

    def test_wrong_credentials_is_auth_error(self, bad_credentials_connector):
        with pytest.raises(ErpAuthError):
            bad_credentials_connector.find(new_key())

    def test_unreachable_server_is_unavailable(self, unreachable_connector, make_invoice):
        with pytest.raises(ErpUnavailable):
            unreachable_connector.find(new_key())
        with pytest.raises(ErpUnavailable):
            unreachable_connector.create(make_invoice("X-1"), new_key())
