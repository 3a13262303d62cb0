"""Disclosure control of a programme's results: no shown number, and no difference of shown numbers
within a group that adds up, is a group smaller than ten."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bot.programs.stats import MASKED, THRESHOLD, YOUTH, _suppress_group, hidden, union


def recoverable(values: dict[str, int], cells: dict[str, int | None], total: int | None) -> list[int]:
    """The group sizes an onlooker can compute: shown cells, and the hidden ones together (total minus
    the shown ones) when the total is shown."""
    out = [v for v in cells.values() if not hidden(v)]
    if total is not None:
        out.append(total - sum(v for v in cells.values() if not hidden(v)))  # type: ignore[misc]
    return out


@given(st.dictionaries(st.sampled_from(["w1", "w2", "w3", "w4", "w5"]), st.integers(0, 40), min_size=1))
def test_no_small_group_can_be_computed(values: dict[str, int]) -> None:
    total = sum(values.values())
    cells, shown_total = _suppress_group(values, total)
    for size in recoverable(values, cells, shown_total):
        assert size == 0 or size >= THRESHOLD, (values, cells, shown_total)
    assert all(cells[k] in (None, MASKED, v) for k, v in values.items())  # nothing is ever made up
    assert all(cells[k] is not None or v < THRESHOLD for k, v in values.items())  # "<10" is true
    assert shown_total in (None, total)


def test_primary_and_secondary_suppression() -> None:
    cells, total = _suppress_group({"a": 30, "b": 4, "c": 12}, 46)
    assert cells == {"a": 30, "b": None, "c": MASKED} and total == 46  # 4 alone would be 46 - 30 - 12
    cells, total = _suppress_group({"a": 6, "b": 3}, 9)
    assert cells == {"a": None, "b": None} and total is None
    cells, total = _suppress_group({"a": 25, "b": 15}, 40)
    assert cells == {"a": 25, "b": 15} and total == 40


@given(st.dictionaries(st.sampled_from(["15-17", "18-24", "25-34", "35+", "unsaid"]), st.integers(0, 30),
                       min_size=1))
def test_the_youth_total_never_splits_a_hidden_group(values: dict[str, int]) -> None:
    counts = Counter(values)
    bands = {b: counts[b] for b in ["15-17", "18-24", "25-34", "35+", "unsaid"]}
    cells, total = _suppress_group(bands, sum(bands.values()))
    youth = union(counts, cells, YOUTH)
    if youth is not None and total is not None:
        hidden_inside = youth - sum(0 if hidden(cells[b]) else cells[b] or 0 for b in YOUTH)
        hidden_outside = total - youth - sum(0 if hidden(v) else v or 0 for b, v in cells.items() if b not in YOUTH)
        for size in (youth, total - youth, hidden_inside, hidden_outside):
            assert size == 0 or size >= THRESHOLD, (bands, cells, youth)
