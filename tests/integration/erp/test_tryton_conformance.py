"""The shared connector conformance suite, run against a real trytond (SQLite)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from clerk.erp.batch import BatchSettings
from clerk.erp.tryton import TrytonConnector
from clerk.erp.tryton._invoice_values import key_description
from tests.fixtures.services import free_port
from tests.integration.erp.conformance import ErpConnectorConformance
from tests.integration.erp.invoices import acme_paper_invoice, unpostable_invoice

pytestmark = pytest.mark.integration


class TestTrytonConformance(ErpConnectorConformance):

    @pytest.fixture
    def connector(self, tryton_connector):
        return tryton_connector

    @pytest.fixture
    def make_invoice(self):
        return acme_paper_invoice

    @pytest.fixture
    def make_unpostable_invoice(self):
        return unpostable_invoice

    @pytest.fixture
    def erp_refusal_text(self):
        return "create a period"

    @pytest.fixture
    def count_records(self, tryton_connector):
        def count(key: str) -> int:
            return tryton_connector.rpc.call("model.account.invoice.search_count",
                                             [("description", "=", key_description(key))])
        return count

    @pytest.fixture
    def bad_credentials_connector(self, tryton_server):
        connector = TrytonConnector(tryton_server.settings(
            user="clerk-nobody", password=SecretStr("not-the-password")))
        yield connector
        connector.rpc.close()

    @pytest.fixture
    def unreachable_connector(self, tryton_server):
        settings = tryton_server.settings(url=f"http://127.0.0.1:{free_port()}", timeout=2.0)
        connector = TrytonConnector(settings, batch=BatchSettings(attempts=1))
        yield connector
        connector.rpc.close()
