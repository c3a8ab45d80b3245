"""The codebook as CSV, and the import path both formats share: preview, then apply as one
version; malformed files are refused with the row at fault and store nothing."""

import contextlib
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insights.models import CodebookVersion, Theme
from insights.services.codebook import CodebookError
from insights.services.codebook_io import (
    CSV_COLUMNS,
    CodebookImportError,
    ThemeRow,
    apply_import,
    codebook_rows,
    export_csv,
    parse_csv,
    plan_import,
)

from .codebook_strategies import codebook_rows as codebook_row_lists
from .codebook_support import make_theme

HEADER = ",".join(CSV_COLUMNS)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --- Export and parse, no database ------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(codebook_row_lists())
def test_csv_round_trip_gives_the_same_rows(rows):
    assert parse_csv(export_csv(rows).encode()) == rows


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_the_csv_parser(data):
    try:
        parse_csv(data)
    except CodebookImportError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_random_text_under_a_real_header_never_crashes_the_parser(body):
    with contextlib.suppress(CodebookImportError):
        parse_csv(f"{HEADER}\n{body}".encode())


def test_export_writes_the_documented_columns_and_defuses_formulas():
    rows = [
        ThemeRow(
            key="debt",
            label="=HYPERLINK(1)",
            parent="money",
            kind="barrier",
            status="approved",
            definition="-5 pounds",
            include="",
            exclude="",
            key_phrases=("debt", "arrears"),
            examples=("I owe.",),
            core_questions=(1, 3),
        )
    ]
    table = list(csv.reader(io.StringIO(export_csv(rows))))
    assert table[0] == list(CSV_COLUMNS)
    assert table[1][1] == "'=HYPERLINK(1)" and table[1][5] == "'-5 pounds"
    assert table[1][8:] == ["debt|arrears", "I owe.", "1|3"]
    assert parse_csv(export_csv(rows).encode()) == rows


def test_a_spreadsheet_with_only_labels_and_a_byte_order_mark_imports():
    rows = parse_csv("\ufefflabel,definition\nBus fares,Fares cost too much\n\n".encode())
    assert rows == [ThemeRow(key="bus-fares", label="Bus fares", definition="Fares cost too much")]
    # Columns the file leaves out are "not given", so an import will not blank them.
    assert rows[0].include is None and rows[0].status is None


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xff\xfe\x00l\x00a", "not UTF-8"),
        (b"", "empty"),
        (_csv("key,definition", "a,b"), "“label”"),
        (_csv(HEADER), "no themes"),
        (_csv(HEADER, "a,A", "b,,"), "Row 3: the label is empty"),
        (_csv(HEADER, "a,A,,barrierish"), "Row 2: kind “barrierish”"),
        (_csv(HEADER, "a,A,,,maybe"), "Row 2: status “maybe”"),
        (_csv(HEADER, "a,A,,,,,,,,,one"), "Row 2: core question “one”"),
        (_csv(HEADER, "not a key!,A"), "Row 2: key “not a key!”"),
        (_csv("key,label", "a,A,extra"), "Row 2 has more cells"),
        (_csv("key,label", 'a,"unclosed'), "Row"),
        (b"label\nA\x00B\n", "NUL"),
    ],
)
def test_malformed_csv_files_are_refused_naming_the_problem(data, message):
    with pytest.raises(CodebookImportError) as caught:
        parse_csv(data)
    assert message in str(caught.value)


def test_every_bad_row_is_reported_not_just_the_first():
    with pytest.raises(CodebookImportError) as caught:
        parse_csv(_csv(HEADER, "a,,", "b,B", "c,,"))
    assert caught.value.problems == ["Row 2: the label is empty", "Row 4: the label is empty"]


# --- Planning and applying, with the database ---------------------------------------------------


@pytest.fixture
def codebook(db):
    money = make_theme("Money", kind="system")
    make_theme("Debt", parent=money, kind="system", include_notes="Arrears.")
    make_theme("Idea", status=Theme.Status.CANDIDATE)
    make_theme("Old", status=Theme.Status.RETIRED)
    return money


def test_exporting_then_importing_the_same_codebook_changes_nothing(codebook):
    rows = parse_csv(export_csv(codebook_rows()).encode())
    plan = plan_import(rows, "csv")
    assert not plan.has_changes and len(plan.unchanged) == 4
    with pytest.raises(CodebookError, match="Nothing to import"):
        apply_import(None, rows, "csv", approve=False)


def test_export_then_import_into_an_empty_codebook_gives_the_same_codebook(codebook, lead):
    exported = export_csv(codebook_rows())
    for theme in Theme.objects.filter(parent__isnull=False):
        theme.delete()
    Theme.objects.all().delete()
    version = apply_import(lead, parse_csv(exported.encode()), "csv", approve=True)
    assert export_csv(codebook_rows()) == exported
    assert Theme.objects.get(key="debt").parent.key == "money"
    assert {t.origin for t in Theme.objects.all()} == {Theme.Origin.PERSON}
    assert version.changes.filter(action="import").count() == 1
    assert version.changes.filter(action="create").count() == 4
    assert [r["key"] for r in version.snapshot] == ["money", "debt"]


def test_preview_stores_nothing_and_new_themes_arrive_as_candidates(codebook, lead, reference_data):
    data = _csv(
        HEADER,
        "debt,Debt and arrears,money,,,Owing money.,Arrears.,,debt|arrears,,1|2",
        "bus-fares,Bus fares,,,approved,Fares cost too much.,,,,,",
        "loans,Payday loans,money,,,,,,,,",
    )
    rows = parse_csv(data)
    plan = plan_import(rows, "csv")
    assert [r.key for r in plan.added] == ["bus-fares", "loans"]
    ((changed_row, fields),) = plan.changed
    assert changed_row.key == "debt"
    assert fields == ["label", "definition", "key_phrases", "core_questions"]
    assert not Theme.objects.filter(key="bus-fares").exists()
    before = CodebookVersion.objects.count()

    version = apply_import(lead, rows, "csv", approve=False)

    assert version.number == before + 1
    bus = Theme.objects.get(key="bus-fares")
    # Not approved on import: a candidate, even though the file says approved.
    assert bus.status == Theme.Status.CANDIDATE and bus.origin == Theme.Origin.PERSON
    assert Theme.objects.get(key="loans").kind == "system"  # the parent's kind
    debt = Theme.objects.get(key="debt")
    assert debt.label == "Debt and arrears" and debt.key_phrases == ["debt", "arrears"]
    assert debt.include_notes == "Arrears." and debt.status == Theme.Status.APPROVED
    assert sorted(q.number for q in debt.core_questions.all()) == [1, 2]
    assert "bus-fares" not in [r["key"] for r in version.snapshot]


def test_approve_on_import_takes_the_files_status(codebook, lead):
    rows = parse_csv(_csv("key,label,status", "bus,Bus,", "car,Car,retired", "van,Van,candidate"))
    apply_import(lead, rows, "csv", approve=True)
    statuses = dict(
        Theme.objects.filter(key__in=["bus", "car", "van"]).values_list("key", "status")
    )
    assert statuses == {"bus": "approved", "car": "retired", "van": "candidate"}


def test_an_import_never_changes_an_existing_themes_status(codebook, lead):
    rows = parse_csv(_csv("key,label,status", "idea,Idea,approved"))
    assert not plan_import(rows, "csv").has_changes
    assert Theme.objects.get(key="idea").status == Theme.Status.CANDIDATE


@pytest.mark.parametrize(
    "lines, message",
    [
        (["a,A,nowhere"], "Row 2: the parent “nowhere” is neither in the file nor"),
        (["a,A,a"], "Row 2: a theme cannot be its own parent"),
        (["a,A,debt"], "would sit three levels deep"),
        (["money,Money,debt"], "would sit three levels deep"),
        (["a,A", "a,Again"], "Row 3: the key “a” is also used by Row 2"),
        (["a,A,,,,,,,,,99"], "Row 2: there is no core question 99"),
        (["add,Add"], "Row 2: the key “add” is reserved"),
    ],
)
def test_planning_refuses_rows_that_do_not_fit_the_codebook(
    codebook, reference_data, lines, message
):
    rows = parse_csv(
        _csv(
            "key,label,parent,kind,status,definition,include,exclude,"
            "key_phrases,examples,core_questions",
            *lines,
        )
    )
    with pytest.raises(CodebookImportError) as caught:
        plan_import(rows, "csv")
    assert message in str(caught.value)


def test_a_failed_apply_stores_nothing(codebook, lead):
    rows = parse_csv(_csv("key,label,parent", "new-parent,New parent,", "child,Child,new-parent"))
    bad = [*rows, ThemeRow(key="orphan", label="Orphan", parent="gone", where="Row 9")]
    with pytest.raises(CodebookImportError, match="Row 9"):
        apply_import(lead, bad, "csv", approve=True)
    assert not Theme.objects.filter(key__in=["new-parent", "child", "orphan"]).exists()
    assert not CodebookVersion.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=1500))
def test_random_bytes_never_get_past_the_documented_error(codebook, data):
    with contextlib.suppress(CodebookImportError):
        plan_import(parse_csv(b"key,label,parent\n" + data), "csv")
