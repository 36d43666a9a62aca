"""Package exports loaded on first use (PEP 562).

A package's ``__init__`` that imports all of its modules makes every light
submodule heavy: ``clerk.queue.states`` would pull in SQLAlchemy through
``clerk.queue.work_queue``, and ``clerk extract`` would pay for the web app.
With ``lazy_exports`` a package names its public API in one table, module by
module, and each name is imported the first time someone uses it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, modules: dict[str, tuple[str, ...]]
                 ) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``(__all__, __getattr__, __dir__)`` for ``package``, whose public names come
    from its submodules as ``modules`` lists them (``{"work_queue": ("WorkQueue",)}``)."""
    namespace = importlib.import_module(package).__dict__
    exports = {name: f"{package}.{module}" for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value         # later lookups never come back here
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return sorted(exports), __getattr__, __dir__
