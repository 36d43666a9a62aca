"""Load the user's rules from the project's ``keywords/`` folder, by path.

``src/clerk`` never imports user space by name: each ``*.py`` file is
imported from its path, and the functions it defines with ``@rule`` are
collected. A file that does not import (syntax error, a failing import, an
exception at import time) is a ``ConfigError`` naming the file and line, so
the operator sees where to look, not a traceback.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from clerk.errors import ConfigError
from clerk.validation.registry import RuleSpec, rules_in

_PACKAGE = "clerk_user_rules"


def _module_name(path: Path) -> str:
    # Unique per absolute path: two projects' keywords/invoice_rules.py must
    # not replace each other in sys.modules.
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    stem = "".join(c if c.isalnum() else "_" for c in path.stem)
    return f"{_PACKAGE}.{stem}_{digest}"


def _line_in(path: Path, exc: BaseException) -> int | None:
    """The deepest line of ``path`` in the exception's traceback."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    return line


def import_rule_file(path: Path) -> ModuleType:
    """Import one file by path; ``ConfigError`` if it does not import."""
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(str(path), None, "not an importable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module        # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise ConfigError(str(path), None, f"syntax error: {exc.msg}", line=exc.lineno) from exc
    except Exception as exc:  # noqa: BLE001 - any import-time failure is the operator's to fix
        sys.modules.pop(name, None)
        raise ConfigError(str(path), None, f"cannot import: {type(exc).__name__}: {exc}",
                          line=_line_in(path, exc)) from exc
    return module


def load_rules(folder: Path | str, *, reserved: set[str] | frozenset[str] = frozenset()
               ) -> list[RuleSpec]:
    """The ``@rule`` functions defined in ``folder/*.py``, files in name order.

    Files starting with ``_`` are skipped (helpers). ``reserved`` holds names
    already taken (the built-in rules): reusing one, or defining a name in
    two files, is a ``ConfigError``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(str(folder), None, "rules folder does not exist")
    found: list[RuleSpec] = []
    defined_in: dict[str, Path] = {}
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        for spec in rules_in(import_rule_file(path)):
            if spec.name in reserved:
                raise ConfigError(str(path), spec.name,
                                  "a built-in rule already has this name")
            if spec.name in defined_in:
                raise ConfigError(str(path), spec.name,
                                  f"rule name already defined in {defined_in[spec.name]}")
            defined_in[spec.name] = path
            found.append(spec)
    return found
