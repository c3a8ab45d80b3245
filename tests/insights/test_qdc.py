"""The codebook as a REFI-QDA codebook (.qdc): the standard's shape, a lossless round trip,
codebooks from other tools, and hostile or broken XML refused with a clear message."""

import contextlib

import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st

from insights.models import Theme
from insights.services.codebook_io import (
    CodebookImportError,
    ThemeRow,
    apply_import,
    codebook_rows,
    plan_import,
)
from insights.services.qdc import NAMESPACE, export_qdc, parse_qdc, theme_guid

from .codebook_strategies import codebook_rows as codebook_row_lists
from .codebook_support import make_theme

NS = {"q": NAMESPACE}


def _rows():
    return [
        ThemeRow(
            key="money",
            label="Money & debt",
            kind="system",
            status="approved",
            definition="Money <worries>.\nMore lines.",
            include="",
            exclude="",
            key_phrases=(),
            examples=(),
            core_questions=(),
        ),
        ThemeRow(
            key="debt",
            label="Debt",
            parent="money",
            kind="barrier",
            status="candidate",
            definition="",
            include="Arrears\\and bailiffs.\nAlso loans.",
            exclude="Benefits",
            key_phrases=("debt", "arrears"),
            examples=('I owe "loads".',),
            core_questions=(2, 5),
        ),
    ]


def test_export_follows_the_refi_qda_codebook_shape():
    root = SafeET.fromstring(export_qdc(_rows()))
    assert root.tag == f"{{{NAMESPACE}}}CodeBook"
    (money,) = root.findall("q:Codes/q:Code", NS)
    assert money.get("name") == "Money & debt" and money.get("isCodable") == "true"
    assert money.get("guid") == theme_guid("money")
    # Description first, then the nested sub-code.
    assert [child.tag.split("}")[1] for child in money] == ["Description", "Code"]
    assert money.find("q:Description", NS).text.startswith("Money <worries>.\nMore lines.\n\n")
    (debt,) = money.findall("q:Code", NS)
    assert debt.get("name") == "Debt"
    sets = {s.get("name"): s for s in root.findall("q:Sets/q:Set", NS)}
    assert set(sets) == {"Barrier", "System issue"}
    members = [m.get("targetGUID") for m in sets["Barrier"].findall("q:MemberCode", NS)]
    assert members == [theme_guid("debt")]
    # Exporting twice gives the same file: GUIDs come from keys.
    assert export_qdc(_rows()) == export_qdc(_rows())


def test_round_trip_keeps_every_field():
    assert parse_qdc(export_qdc(_rows())) == _rows()


@settings(max_examples=100, deadline=None)
@given(codebook_row_lists())
def test_qdc_round_trip_gives_the_same_rows(rows):
    assert parse_qdc(export_qdc(rows)) == rows


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_the_qdc_parser(data):
    try:
        parse_qdc(data)
    except CodebookImportError as error:
        assert error.problems and all(error.problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_random_text_inside_a_codebook_never_crashes_the_parser(text):
    document = f'<CodeBook xmlns="{NAMESPACE}"><Codes>{text}</Codes></CodeBook>'
    with contextlib.suppress(CodebookImportError):
        parse_qdc(document.encode())


NVIVO = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{NAMESPACE}" origin="NVivo 14">
  <Codes>
    <Code guid="{{0A1B2C3D-0000-4000-8000-000000000001}}" name="Work  barriers" isCodable="true">
      <Description>Things in the way.</Description>
      <Code guid="0a1b2c3d-0000-4000-8000-000000000002" name="Transport" isCodable="true"/>
      <Code guid="0a1b2c3d-0000-4000-8000-000000000003" name="Bus fares" isCodable="true">
        <Description>Fares cost too much.</Description>
      </Code>
    </Code>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000004" name="Transport" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="0a1b2c3d-0000-4000-8000-0000000000ff" name="Enabler">
      <MemberCode targetGUID="0A1B2C3D-0000-4000-8000-000000000003"/>
    </Set>
  </Sets>
</CodeBook>"""


def test_a_codebook_from_another_tool_imports_names_nesting_and_descriptions():
    rows = parse_qdc(NVIVO.encode())
    assert [(r.key, r.label, r.parent) for r in rows] == [
        ("work-barriers", "Work barriers", ""),
        ("transport", "Transport", "work-barriers"),
        ("bus-fares", "Bus fares", "work-barriers"),
        ("transport-2", "Transport", ""),
    ]
    assert rows[0].definition == "Things in the way." and rows[1].definition is None
    # What the tool cannot say is "not given", so an import keeps the theme's own values.
    assert rows[2].include is None and rows[2].key_phrases is None and rows[2].status is None
    assert rows[2].kind == "enabler" and rows[0].kind is None


def test_a_project_file_codebook_is_read_too():
    project = NVIVO.replace(f'<CodeBook xmlns="{NAMESPACE}" origin="NVivo 14">', "<CodeBook>")
    project = project.replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">',
    )
    rows = parse_qdc((project + "</Project>").encode())
    assert [r.label for r in rows][:2] == ["Work barriers", "Transport"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="&lol2;" guid="x" isCodable="true"/>
</Codes></CodeBook>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE c [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="&secret;" isCodable="true"/>
</Codes></CodeBook>"""


@pytest.mark.parametrize(
    "data, message",
    [
        (b"<CodeBook><Codes><Code name='a'></Codes></CodeBook>", "not well-formed XML at line 1"),
        (b"", "not well-formed XML"),
        (BILLION_LAUGHS, "DTD, entities or external references"),
        (EXTERNAL_ENTITY, "DTD, entities or external references"),
        (b"<Project xmlns='urn:QDA-XML:project:1.0'/>", "no CodeBook"),
        (b"<html><body/></html>", "top element is <html>"),
        (f"<CodeBook xmlns='{NAMESPACE}'/>".encode(), "no <Codes>"),
        (f"<CodeBook xmlns='{NAMESPACE}'><Codes/></CodeBook>".encode(), "no codes"),
        (
            f"<CodeBook xmlns='{NAMESPACE}'><Codes><Code/></Codes></CodeBook>".encode(),
            "Code 1: the code has no name",
        ),
        (
            (
                f"<CodeBook xmlns='{NAMESPACE}'><Codes><Code name='A'><Description>x\n\n"
                "[EHL Insight]\nkey: a\nkind: villain</Description></Code></Codes></CodeBook>"
            ).encode(),
            "Code 1 (“A”): kind “villain”",
        ),
    ],
)
def test_broken_or_hostile_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(CodebookImportError) as caught:
        parse_qdc(data)
    assert message in str(caught.value)


def test_deep_nesting_is_refused_when_planned_not_by_crashing(db):
    nested = "".join(f"<Code name='c{i}' isCodable='true'>" for i in range(1500))
    document = f"<CodeBook xmlns='{NAMESPACE}'><Codes>{nested}{'</Code>' * 1500}</Codes></CodeBook>"
    with pytest.raises(CodebookImportError) as caught:
        plan_import(parse_qdc(document.encode()), "qdc")
    assert "three levels deep" in str(caught.value)


def test_database_round_trip_through_qdc(db, lead):
    money = make_theme("Money", kind="system", key_phrases=["cash"])
    make_theme("Debt", parent=money, examples=["I owe."], exclude_notes="Not benefits.")
    make_theme("Idea", status=Theme.Status.CANDIDATE, definition="")
    exported = export_qdc(codebook_rows())
    assert not plan_import(parse_qdc(exported), "qdc").has_changes
    Theme.objects.filter(parent__isnull=False).delete()
    Theme.objects.all().delete()
    apply_import(lead, parse_qdc(exported), "qdc", approve=True)
    assert export_qdc(codebook_rows()) == exported
    assert Theme.objects.get(key="debt").parent.key == "money"
    assert Theme.objects.get(key="idea").status == Theme.Status.CANDIDATE


def test_importing_another_tools_codebook_keeps_what_it_does_not_say(db, lead):
    transport = make_theme("Transport", include_notes="Buses, trains.", key_phrases=["bus"])
    plan = plan_import(parse_qdc(NVIVO.encode()), "qdc")
    assert [r.key for r in plan.added] == ["work-barriers", "bus-fares", "transport-2"]
    ((row, fields),) = plan.changed
    assert row.key == "transport" and fields == ["parent"]
    apply_import(lead, plan.rows, "qdc", approve=False)
    transport.refresh_from_db()
    assert transport.include_notes == "Buses, trains." and transport.key_phrases == ["bus"]
    assert transport.parent.key == "work-barriers"
    assert Theme.objects.get(key="bus-fares").kind == "enabler"
    assert Theme.objects.get(key="bus-fares").status == Theme.Status.CANDIDATE
