"""The three area-table layouts: read, round-tripped through the tidy layout, bad rows refused."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insights.services.area_io import (
    AreaDataError,
    AreaRow,
    counts_by_measure,
    detect_layout,
    parse_census,
    parse_practice_lookup,
    parse_qof,
    parse_tidy,
    place_for,
    write_tidy,
)

PLACES = [
    ("liverpool", "Liverpool", "E08000012"),
    ("cheshire-east", "Cheshire East", "E06000049"),
    ("cheshire-west-and-chester", "Cheshire West and Chester", "E06000050"),
    ("st-helens", "St Helens", "E08000013"),
]


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


TIDY_HEADER = ["area_code", "area_name", "measure", "numerator", "denominator", "period"]


def test_the_tidy_layout_reads_and_writes_back_the_same():
    data = _csv(
        [
            TIDY_HEADER,
            ["E01006512", "Liverpool 001A", "Epilepsy", "14", "1,820", "2022-23"],
            ["e01006513", "Liverpool 001B", "Epilepsy", "0", "1500", "2022-23"],
        ]
    )
    rows = parse_tidy(data)
    assert rows[0] == AreaRow("E01006512", "Liverpool 001A", "Epilepsy", 14, 1820, "2022-23")
    assert rows[1].area_code == "E01006513"  # codes are upper-cased
    assert parse_tidy(write_tidy(rows)) == rows
    assert detect_layout(data) == "tidy"


names = st.from_regex(r"[A-Z][a-z]{2,10} \d{3}[A-D]", fullmatch=True)
measures = st.from_regex(r"[A-Z][a-z]{2,12}( [a-z]{2,8})?", fullmatch=True)


@st.composite
def tidy_rows(draw):
    rows, seen = [], set()
    for _ in range(draw(st.integers(1, 12))):
        code = f"E01{draw(st.integers(0, 999999)):06d}"
        measure = draw(measures)
        period = draw(st.sampled_from(["2021", "2022-23", "2023-24"]))
        if (code, measure.lower(), period) in seen:
            continue
        seen.add((code, measure.lower(), period))
        denominator = draw(st.integers(1, 10**7))
        numerator = draw(st.integers(0, denominator))
        rows.append(AreaRow(code, draw(names), measure, numerator, denominator, period))
    return rows


@settings(max_examples=60, deadline=None)
@given(tidy_rows())
def test_any_valid_tidy_table_round_trips(rows):
    assert parse_tidy(write_tidy(rows)) == rows


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_rows_or_a_clear_error_never_a_crash(data):
    try:
        parse_tidy(data)
    except AreaDataError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)


def test_every_bad_row_is_reported_at_once_and_nothing_is_returned():
    data = _csv(
        [
            TIDY_HEADER,
            ["E01006512", "Liverpool 001A", "Epilepsy", "20", "10", "2022-23"],
            ["E01006513", "Liverpool 001B", "Epilepsy", "-3", "100", "2022-23"],
            ["L001", "Liverpool 001C", "Epilepsy", "3", "100", "2022-23"],
            ["E01006514", "Liverpool 001D", "Epilepsy", "3", "0", "2022-23"],
            ["E01006515", "Liverpool 001E", "", "3", "100", ""],
            ["E01006516", "Liverpool 001F", "Epilepsy", "3", "100", "2022-23"],
            ["E01006516", "Liverpool 001F", "epilepsy", "4", "100", "2022-23"],
        ]
    )
    with pytest.raises(AreaDataError) as caught:
        parse_tidy(data)
    problems = "\n".join(caught.value.problems)
    assert "Row 2: the numerator (20) is larger than the denominator (10)" in problems
    assert "Row 3, column numerator: “-3”" in problems
    assert "Row 4, column area_code: “L001” is not an ONS area code" in problems
    assert "Row 5, column denominator: “0” is not a whole number above zero" in problems
    assert "Row 6, column measure" in problems and "Row 6, column period" in problems
    assert "Row 8 repeats row 7" in problems


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"area_code,area_name,measure,numerator\n", "missing the columns denominator, period"),
        (",".join(TIDY_HEADER).encode() + b"\n", "no data rows"),
        ("area_code\n\u00e9".encode("latin-1"), "UTF-8"),
    ],
)
def test_a_file_that_cannot_be_a_table_says_why(content, message):
    with pytest.raises(AreaDataError, match=message):
        parse_tidy(content)


# --- QOF (NHS England's raw prevalence file and a practice lookup) ------------------------------
QOF_HEADER = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"]
LOOKUP = _csv(
    [
        ["practice_code", "area_code", "area_name"],
        ["N82001", "E08000012", "Liverpool"],
        ["N82002", "E08000012", "Liverpool"],
        ["N81003", "E06000049", "Cheshire East"],
    ]
)


def test_qof_registers_and_list_sizes_are_summed_to_areas():
    data = _csv(
        [
            QOF_HEADER,
            ["N82001", "EP", "60", "18OV", "6000"],
            ["N82002", "EP", "40", "18OV", "4000"],
            ["N82001", "MH", "110", "TOTAL", "7500"],
            ["N81003", "EP", "30", "18OV", "5000"],
            ["A10001", "AST", "", "06OV", ""],  # NHS England's own blank dummy row
            ["Y99999", "EP", "5", "18OV", "900"],  # a practice the lookup does not place
        ]
    )
    assert detect_layout(data) == "qof"
    rows, left_out = parse_qof(data, parse_practice_lookup(LOOKUP), "2022-23")
    counts = counts_by_measure(rows)
    assert counts["Epilepsy"] == {"E08000012": (100, 10000), "E06000049": (30, 5000)}
    assert counts["Severe mental illness"] == {"E08000012": (110, 7500)}
    assert left_out == 1
    assert parse_tidy(write_tidy(rows)) == rows  # and on into the product's layout


def test_qof_files_from_before_2017_use_their_own_column_names():
    data = _csv(
        [
            ["PRACTICE_CODE", "INDICATOR_GROUP_CODE", "REGISTER", "PATIENT_LIST_SIZE"],
            ["N82001", "DEP", "700", "5800"],
        ]
    )
    rows, _ = parse_qof(data, parse_practice_lookup(LOOKUP), "2015-16")
    assert rows == [AreaRow("E08000012", "Liverpool", "Depression", 700, 5800, "2015-16")]


def test_bad_qof_rows_and_lookups_are_refused():
    data = _csv([QOF_HEADER, ["N82001", "EP", "900", "18OV", "800"]])
    with pytest.raises(AreaDataError, match=r"numerator .900. is larger"):
        parse_qof(data, parse_practice_lookup(LOOKUP), "2022-23")
    with pytest.raises(AreaDataError, match="QOF year"):
        parse_qof(data, parse_practice_lookup(LOOKUP), "")
    with pytest.raises(AreaDataError, match="lacks area_code"):
        parse_practice_lookup(b"practice_code,area_name\nN82001,Liverpool\n")
    with pytest.raises(AreaDataError, match="listed twice"):
        parse_practice_lookup(LOOKUP + b"N82001,E08000012,Liverpool\n")


# --- Census 2021 TS066 from Nomis -------------------------------------------------------------
PREFIX = "Economic activity status: "
TS066 = [
    "Total: All usual residents aged 16 years and over",
    "Economically active (excluding full-time students)",
    "Economically active (excluding full-time students):In employment",
    "Economically active (excluding full-time students): Unemployed",
    "Economically active and a full-time student",
    "Economically active and a full-time student: Unemployed",
    "Economically inactive",
    "Economically inactive: Retired",
    "Economically inactive: Long-term sick or disabled",
]


def test_the_nomis_bulk_file_gives_two_outcomes_per_area():
    data = _csv(
        [
            ["date", "geography", "geography code", *(PREFIX + c for c in TS066)],
            ["2021", "Liverpool 001A", "E01006512", "1500", "900", "840", "50", "40", "5", "560",
             "200", "110"],
            ["2021", "Liverpool 001B", "E01006513", "1300", "800", "770", "30", "20", "2", "480",
             "190", "95"],
        ]
    )  # fmt: skip
    assert detect_layout(data) == "census"
    counts = counts_by_measure(parse_census(data))
    assert counts["Economically inactive: long-term sick or disabled"] == {
        "E01006512": (110, 1500),
        "E01006513": (95, 1300),
    }
    assert counts["Unemployed"] == {"E01006512": (55, 1500), "E01006513": (32, 1300)}
    rows = parse_census(data)
    assert parse_tidy(write_tidy(rows)) == rows and {r.period for r in rows} == {"2021"}


def test_a_nomis_query_download_with_title_rows_and_footnotes_is_read_too():
    data = _csv(
        [
            ["TS066 - Economic activity status"],
            ["ONS Crown Copyright Reserved"],
            [],
            ["2021 super output area - lower layer", "mnemonic", *TS066],
            ["Liverpool 001A", "E01006512", "1500", "900", "840", "50", "40", "5", "560", "200",
             "110"],
            [],
            ["Source: Office for National Statistics"],
        ]
    )  # fmt: skip
    rows = parse_census(data, "2021")
    assert len(rows) == 2 and rows[0].area_name == "Liverpool 001A"


def test_a_census_file_that_is_not_ts066_is_refused():
    data = _csv([["date", "geography", "geography code", "General health: Total"], ["2021"]])
    with pytest.raises(AreaDataError, match="TS066"):
        parse_census(data)


def test_unknown_layouts_name_the_ones_that_are_read():
    with pytest.raises(AreaDataError, match="QOF prevalence file"):
        detect_layout(b"a,b,c\n1,2,3\n")


# --- Places ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "name", "key"),
    [
        ("E08000012", "Liverpool", "liverpool"),
        ("E01006512", "Liverpool 001A", "liverpool"),
        ("E02001347", "Liverpool 001", "liverpool"),
        ("E01018345", "Cheshire West and Chester 012C", "cheshire-west-and-chester"),
        ("E01018300", "Cheshire East 003B", "cheshire-east"),
        ("E01006000", "St Helens 010D", "st-helens"),
        ("E01011111", "Leeds 001A", None),
        ("E08000035", "Leeds", None),
        ("E01006512", "Liverpool Central", None),
    ],
)
def test_areas_roll_up_to_places_by_code_or_ons_name(code, name, key):
    assert place_for(code, name, PLACES) == key
