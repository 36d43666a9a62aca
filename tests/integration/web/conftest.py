"""The web app of tests/unit/web with a real Tryton behind it: decisions
re-validate records with the ERP's look-ups, as a worker does."""

from __future__ import annotations

import pytest

from tests.unit.review.conftest import directory, people  # noqa: F401
from tests.unit.web.conftest import BOTS, project  # noqa: F401


@pytest.fixture
def erp_connector_factory(tryton_server):  # noqa: ANN001, ANN201
    from clerk.erp.tryton import TrytonConnector

    return lambda: TrytonConnector(tryton_server.settings()).login()


@pytest.fixture
def app(project, clock, directory, erp_connector_factory):  # noqa: ANN001, ANN201, F811
    from clerk.review.settings import WebSettings
    from clerk.web.app import create_app

    app = create_app(project, WebSettings(secure_cookies=False), clock=clock, directory=directory,
                     bots=BOTS, connector_factory=erp_connector_factory)
    yield app
    app.state.web.decisions.close()
