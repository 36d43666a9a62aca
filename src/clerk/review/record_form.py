"""A record as a flat form: ``seller.name``, ``lines.0.quantity``, ... and
back, validated by the record's own pydantic model.

The form is the edge where people's input enters clerk: every value arrives
as text and is only trusted once the model accepts the whole record.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from clerk.models.invoice import Invoice
from clerk.models.order import OrderConfirmation

# The stored record carries its type under this key (written by the pipeline).
TYPE_KEY = "record_type"
RECORD_MODELS: dict[str, type[BaseModel]] = {"invoice": Invoice,
                                             "order_confirmation": OrderConfirmation}
MAX_FIELDS = 2000
MAX_VALUE = 2000


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Leaf values as text keyed by dotted path (lists by index)."""
    flat: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            flat.update(flatten(value, f"{prefix}{index}."))
    else:
        flat[prefix[:-1]] = "" if data is None else str(data)
    return flat


def unflatten(flat: dict[str, str], template: dict[str, Any]) -> dict[str, Any]:
    """Put form values back into the shape of ``template`` (the stored record).

    Only paths the stored record has are taken, so a form cannot add fields;
    an empty text for a field that was empty stays ``None``.
    """
    def build(node: Any, prefix: str) -> Any:
        if isinstance(node, dict):
            return {key: build(value, f"{prefix}{key}.") for key, value in node.items()}
        if isinstance(node, (list, tuple)):
            return [build(value, f"{prefix}{i}.") for i, value in enumerate(node)]
        path = prefix[:-1]
        if path not in flat:
            return node
        text = flat[path].strip()
        return None if text == "" and node is None else text
    return build(template, "")


def model_for(stored: dict[str, Any] | None) -> type[BaseModel]:
    kind = str((stored or {}).get(TYPE_KEY) or "invoice")
    return RECORD_MODELS.get(kind, Invoice)


def form_fields(stored: dict[str, Any] | None) -> dict[str, str]:
    """The editable fields of a stored record (its type key is not one)."""
    return flatten({k: v for k, v in (stored or {}).items() if k != TYPE_KEY})


def with_record_type(stored: dict[str, Any] | None, record: BaseModel) -> dict[str, Any]:
    """The record as stored JSON, keeping the type key the stored one had."""
    dumped = record.model_dump(mode="json")
    kind = (stored or {}).get(TYPE_KEY)
    return {TYPE_KEY: kind, **dumped} if kind else dumped


def parse_record(model: type[BaseModel], stored: dict[str, Any],
                 form: dict[str, str]) -> tuple[BaseModel | None, dict[str, str]]:
    """(record, {}) if the form is a valid record, else (None, {path: message})."""
    if len(form) > MAX_FIELDS:
        return None, {"": "too many fields"}
    too_long = {k: f"at most {MAX_VALUE} characters" for k, v in form.items() if len(v) > MAX_VALUE}
    if too_long:
        return None, too_long
    template = {k: v for k, v in stored.items() if k != TYPE_KEY}
    try:
        return model.model_validate(unflatten(form, template)), {}
    except ValidationError as exc:
        return None, {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """``{path: [old, new]}`` for every leaf that differs."""
    old, new = flatten(before), flatten(after)
    return {path: [old.get(path, ""), new.get(path, "")]
            for path in sorted(set(old) | set(new)) if old.get(path) != new.get(path)}
