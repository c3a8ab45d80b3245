"""Small-number suppression: the rules themselves, and properties that must hold for any table
of counts (hypothesis)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement import suppression
from engagement.suppression import SECONDARY, SHOWN, SMALL, Cell, cell_from_json, suppress

LIMIT = 5


def test_counts_of_one_to_four_people_are_hidden_and_zero_and_five_are_shown():
    status = suppress({"a": 0, "b": 1, "c": 4, "d": 5, "e": 40}, limit=LIMIT)
    assert status == {"a": SHOWN, "b": SMALL, "c": SMALL, "d": SHOWN, "e": SHOWN}


def test_a_lone_hidden_cell_beside_a_shown_total_takes_the_next_smallest_with_it():
    values = {"a": 3, "b": 12, "c": 10, "total": 25}
    status = suppress(values, [(["a", "b", "c"], "total")], limit=LIMIT)
    # 25 - 12 - 10 would give the 3 away; hiding the 10 as well leaves two unknowns.
    assert status == {"a": SMALL, "b": SHOWN, "c": SECONDARY, "total": SHOWN}


def test_no_secondary_suppression_without_a_shown_total():
    assert suppress({"a": 3, "b": 12}, [(["a", "b"], None)], limit=LIMIT) == {
        "a": SMALL,
        "b": SHOWN,
    }
    values = {"a": 3, "b": 1, "total": 4}
    assert suppress(values, [(["a", "b"], "total")], limit=LIMIT)["total"] == SMALL


def test_two_hidden_cells_already_protect_each_other():
    values = {"a": 3, "b": 2, "c": 10, "total": 15}
    status = suppress(values, [(["a", "b", "c"], "total")], limit=LIMIT)
    assert status["c"] == SHOWN


def test_a_zero_is_hidden_only_when_nothing_else_can_be_and_then_the_total_goes():
    values = {"a": 3, "b": 0, "total": 6}
    assert suppress(values, [(["a", "b"], "total")], limit=LIMIT)["b"] == SECONDARY
    values = {"a": 3, "total": 6}
    assert suppress(values, [(["a"], "total")], limit=LIMIT)["total"] == SECONDARY


def test_rows_and_columns_are_settled_together():
    # A 2 x 2 table with row and column totals: hiding one cell for its row must not leave its
    # column with a single hidden cell.
    values = {
        ("r1", "c1"): 2,
        ("r1", "c2"): 20,
        ("r2", "c1"): 30,
        ("r2", "c2"): 40,
        "r1": 22,
        "r2": 70,
        "c1": 32,
        "c2": 60,
    }
    groups = [
        ([("r1", "c1"), ("r1", "c2")], "r1"),
        ([("r2", "c1"), ("r2", "c2")], "r2"),
        ([("r1", "c1"), ("r2", "c1")], "c1"),
        ([("r1", "c2"), ("r2", "c2")], "c2"),
    ]
    status = suppress(values, groups, limit=LIMIT)
    _assert_protected(values, groups, status, LIMIT)
    assert status[("r1", "c1")] == SMALL


def test_the_threshold_comes_from_settings(settings):
    settings.EHL_SMALL_NUMBER_THRESHOLD = 10
    assert suppress({"a": 9, "b": 10}) == {"a": SMALL, "b": SHOWN}
    assert Cell.of(9, SMALL).mark == "<10"
    assert suppression.small_text() == "fewer than 10"


def test_a_count_of_what_people_said_is_hidden_with_them_or_when_itself_small():
    assert suppression.hidden_with(SMALL, 40) == SECONDARY
    assert suppression.hidden_with(SECONDARY, 40) == SECONDARY
    # Nobody is counted (roundtable notes carry no person), yet one segment is one voice.
    assert suppression.hidden_with(SHOWN, 1, 5) == SMALL
    assert suppression.hidden_with(SHOWN, 0, 5) == SHOWN
    assert suppression.hidden_with(SHOWN, 5, 5) == SHOWN


def test_cells_say_what_they_hide_in_words_and_in_marks():
    shown, small, secondary = Cell.of(1234, SHOWN), Cell.of(3, SMALL), Cell.of(40, SECONDARY)
    assert (shown.text, shown.mark, shown.export()) == ("1,234", "1234", 1234)
    assert (small.text, small.mark, small.export(), small.value) == (
        "fewer than 5",
        "<5",
        "<5",
        None,
    )
    assert (secondary.text, secondary.export(), secondary.value) == (
        "not shown",
        "suppressed",
        None,
    )
    assert small.as_json() == {
        "value": None,
        "status": SMALL,
        "text": "fewer than 5",
        "mark": "<5",
    }


@pytest.mark.parametrize(
    ("stored", "status"),
    [
        ({"value": 3, "status": SHOWN}, SMALL),  # tampered or stored under a lower threshold
        ({"value": None, "status": SHOWN}, SECONDARY),
        ({"value": 7, "status": "odd"}, SECONDARY),
        ({"value": 7, "status": SHOWN}, SHOWN),
        ({"value": None, "status": SMALL}, SMALL),
    ],
)
def test_stored_cells_are_checked_again_on_the_way_out(stored, status):
    cell = cell_from_json(stored)
    assert cell["status"] == status
    if status != SHOWN:
        assert cell["value"] is None


# --- Properties --------------------------------------------------------------------------------


def _assert_protected(values, groups, status, limit):
    for key, value in values.items():
        if status[key] == SHOWN:
            assert not 0 < value < limit, f"{key}={value} shown"
        else:
            assert value != 0 or status[key] == SECONDARY
    for members, total in groups:
        if total is not None and status[total] == SHOWN:
            hidden = [m for m in members if status[m] != SHOWN]
            assert len(hidden) != 1, f"{hidden} could be worked out from {total}"


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda rows: st.integers(min_value=1, max_value=6).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(table=tables, limit=st.integers(min_value=2, max_value=10))
def test_no_table_ever_shows_a_small_count_or_leaves_one_to_be_worked_out(table, limit):
    values, groups = {}, []
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            values[(r, c)] = value
        values[("row", r)] = sum(row)
        groups.append(([(r, c) for c in range(len(row))], ("row", r)))
    for c in range(len(table[0])):
        values[("col", c)] = sum(row[c] for row in table)
        groups.append(([(r, c) for r in range(len(table))], ("col", c)))
    values["all"] = sum(map(sum, table))
    groups.append(([("row", r) for r in range(len(table))], "all"))
    groups.append(([("col", c) for c in range(len(table[0]))], "all"))
    status = suppress(values, groups, limit=limit)
    _assert_protected(values, groups, status, limit)
    # Nothing is hidden that did not need to be: every primary suppression is a small count.
    assert all(0 < values[k] < limit for k, s in status.items() if s == SMALL)
