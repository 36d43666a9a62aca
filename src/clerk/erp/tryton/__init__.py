"""The Tryton connector (JSON-RPC) and the local Tryton used by the demo and tests.

Public names: ``TrytonConnector``, ``TrytonSettings``, ``bootstrap``,
``TrytonInstance``, ``serve``, ``TrytonServer``.
"""

from clerk.erp.tryton.bootstrap import TrytonInstance, bootstrap
from clerk.erp.tryton.connector import TrytonConnector
from clerk.erp.tryton.server import TrytonServer, serve
from clerk.erp.tryton.settings import TrytonSettings

__all__ = ["TrytonConnector", "TrytonInstance", "TrytonServer", "TrytonSettings",
           "bootstrap", "serve"]
