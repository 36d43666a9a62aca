"""The chaos suite's verdict rests on these counts: each must see what it names."""

from benchmarks.chaos.erp import ErpRecord, gaps, keys_twice, numbers_twice
from benchmarks.chaos.tally import percentile


def record(id_: int, key: str) -> ErpRecord:
    return ErpRecord(id=id_, key=key, state="posted", number=None)


def test_keys_twice_counts_keys_on_more_than_one_record():
    records = [record(1, "a"), record(2, "a"), record(3, "a"), record(4, "b"), record(5, "c"),
               record(6, "c")]
    assert keys_twice(records) == 2
    assert keys_twice([record(1, "a"), record(2, "b")]) == 0


def test_numbers_twice_counts_numbers_held_by_two_invoices():
    assert numbers_twice(["SUP/1", "SUP/2", "SUP/2", "SUP/3", "SUP/3", "SUP/3"]) == 2
    assert numbers_twice(["SUP/1", "SUP/2"]) == 0


def test_gaps_counts_missing_numbers_per_sequence():
    assert gaps(["SUP/2026/0001", "SUP/2026/0002", "SUP/2026/0005", "INV7", "INV9"]) == 3
    assert gaps(["SUP/0001", "SUP/0002", "SUP/0002"]) == 0   # a double is not a gap
    assert gaps([]) == 0


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.5) == 10.0
    assert percentile(values, 0.95) == 19.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.95) is None
