from __future__ import annotations

import pytest

from clerk.validation import ValidationContext, ValidationEngine, ValidationSettings, builtin_rules

from .erp_memory import MemoryErp


@pytest.fixture
def erp() -> MemoryErp:
    return MemoryErp.from_world()


@pytest.fixture
def queued() -> dict[tuple[str, str], list[int]]:
    """What the lead's queue holds: (seller tax id, number) -> work item ids."""
    return {}


@pytest.fixture
def make_context(erp, queued):
    def make(settings: ValidationSettings | None = None, item_id: int | None = 1,
             connector=erp) -> ValidationContext:
        run = ValidationContext.for_run(settings or ValidationSettings(), connector,
                                        lambda tax_id, number: queued.get((tax_id, number), []))
        return run.for_item(item_id)
    return make


@pytest.fixture
def context(make_context) -> ValidationContext:
    return make_context()


@pytest.fixture
def engine() -> ValidationEngine:
    return ValidationEngine(builtin_rules())
