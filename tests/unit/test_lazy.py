"""Package exports loaded on first use (clerk._lazy)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import clerk.queue


def test_a_light_submodule_does_not_import_its_heavy_siblings():
    code = "import sys, clerk.queue.states; print('sqlalchemy' in sys.modules, 'clerk.queue.work_queue' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_an_export_is_imported_on_first_use_and_then_kept():
    from clerk.queue.work_queue import WorkQueue

    assert clerk.queue.WorkQueue is WorkQueue
    assert clerk.queue.__dict__["WorkQueue"] is WorkQueue
    assert "WorkQueue" in dir(clerk.queue) and "WorkQueue" in clerk.queue.__all__


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        clerk.queue.Nope  # noqa: B018
    with pytest.raises(ImportError):
        from clerk.queue import Nope  # noqa: F401
