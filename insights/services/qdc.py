"""The codebook as a REFI-QDA codebook (.qdc), the exchange format of NVivo, ATLAS.ti, MAXQDA
and QualCoder.

The standard gives a code a name, a GUID, a description and nested sub-codes, and lets codes be
grouped in sets. A theme's definition is the description; everything else the standard has no
place for (key, kind, status, include/exclude notes, key phrases, examples, core questions) is
kept in a short labelled block at the end of the description, which other tools show as part
of the code's memo and hand back untouched. Kinds are also exported as sets ("Barrier", ...),
which other tools show as code groups.

Files are parsed with defusedxml: no DTDs, entities or external references, so a hostile file
cannot read local files or blow up memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from xml.etree import ElementTree as ET

import defusedxml
from defusedxml import ElementTree as SafeET

from ..models import Theme
from .codebook import CONTROL_CHARACTERS
from .codebook_io import (
    MAX_THEMES,
    CodebookImportError,
    ThemeRow,
    check_key,
    clean_label,
    clean_text,
    join_list,
    key_for_label,
    parse_kind,
    parse_numbers,
    parse_status,
    split_list,
)

NAMESPACE = "urn:QDA-XML:codebook:1.0"
SCHEMA_LOCATION = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
BLOCK_MARKER = "[EHL Insight]"
# GUIDs are derived from theme keys, so exporting twice gives the same file and other tools
# recognise the same codes on a second import.
GUID_NAMESPACE = uuid.UUID("6f1d7e0a-3c55-4d0e-9a8e-6b1b2f0c9e41")
_BLOCK_FIELDS = (
    ("key", "key"),
    ("kind", "kind"),
    ("status", "status"),
    ("include", "include"),
    ("exclude", "exclude"),
    ("key phrases", "key_phrases"),
    ("examples", "examples"),
    ("core questions", "core_questions"),
)


def theme_guid(key: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"theme:{key}"))


def _xml_safe(value: str) -> str:
    """Text XML 1.0 can carry (a control character would make the whole file unreadable)."""
    return CONTROL_CHARACTERS.sub("", value)


def _escape(value: str) -> str:
    """One line per field in the block: backslashes and line breaks are escaped."""
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _description(row: ThemeRow) -> str:
    values = {
        "key": row.key,
        "kind": row.kind or "",
        "status": row.status or "",
        "include": row.include or "",
        "exclude": row.exclude or "",
        "key_phrases": join_list(row.key_phrases),
        "examples": join_list(row.examples),
        "core_questions": join_list(row.core_questions),
    }
    block = "\n".join(f"{label}: {_escape(values[name])}" for label, name in _BLOCK_FIELDS)
    definition = row.definition or ""
    return f"{definition}\n\n{BLOCK_MARKER}\n{block}" if definition else f"{BLOCK_MARKER}\n{block}"


def export_qdc(rows: Iterable[ThemeRow]) -> bytes:
    """The codebook as a REFI-QDA codebook document (UTF-8 XML)."""
    rows = list(rows)
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(
        f"{{{NAMESPACE}}}CodeBook",
        {"origin": "EHL Insight", f"{{{XSI}}}schemaLocation": f"{NAMESPACE} {SCHEMA_LOCATION}"},
    )
    codes = ET.SubElement(root, f"{{{NAMESPACE}}}Codes")
    keys = {row.key for row in rows}
    elements: dict[str, ET.Element] = {}

    def add(parent: ET.Element, row: ThemeRow) -> None:
        element = ET.SubElement(
            parent,
            f"{{{NAMESPACE}}}Code",
            {"guid": theme_guid(row.key), "name": _xml_safe(row.label), "isCodable": "true"},
        )
        # The standard wants the description before any sub-codes.
        ET.SubElement(element, f"{{{NAMESPACE}}}Description").text = _xml_safe(_description(row))
        elements[row.key] = element

    # Parents usually come first (`codebook_rows`), but order is not relied on; a row whose
    # parent is not exported sits at the top level rather than being lost.
    pending = list(rows)
    while pending:
        later = []
        for row in pending:
            if row.parent in keys and row.parent not in elements:
                later.append(row)
            else:
                add(elements.get(row.parent, codes), row)
        if len(later) == len(pending):  # a cycle: impossible from the database; never loop
            for row in later:
                add(codes, row)
            break
        pending = later
    sets = ET.SubElement(root, f"{{{NAMESPACE}}}Sets")
    for kind in Theme.Kind:
        members = [row for row in rows if row.kind == kind.value]
        if not members:
            continue
        group = ET.SubElement(
            sets,
            f"{{{NAMESPACE}}}Set",
            {"guid": str(uuid.uuid5(GUID_NAMESPACE, f"kind:{kind.value}")), "name": kind.label},
        )
        ET.SubElement(group, f"{{{NAMESPACE}}}Description").text = f"Themes of kind: {kind.label}"
        for row in members:
            ET.SubElement(group, f"{{{NAMESPACE}}}MemberCode", {"targetGUID": theme_guid(row.key)})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- Import -------------------------------------------------------------------------------------


def _local(tag) -> str:
    """An element's name without its namespace (tools differ in how they declare it)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _parse_xml(data: bytes):
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except ET.ParseError as error:
        line, column = getattr(error, "position", (None, None))
        where = f" at line {line}, column {column}" if line else ""
        raise CodebookImportError(
            f"The file is not well-formed XML{where}. Export the codebook again as a "
            "REFI-QDA codebook (.qdc)."
        ) from None
    except defusedxml.DefusedXmlException:
        raise CodebookImportError(
            "The file declares a DTD, entities or external references, which are not accepted "
            "in a codebook."
        ) from None
    except (ValueError, LookupError, UnicodeError, RecursionError):
        raise CodebookImportError("The file is not a readable XML document.") from None


def _split_description(text: str) -> tuple[str, dict[str, str] | None]:
    """The definition, and the labelled block this app writes (None when there is none)."""
    text = clean_text(text)
    if text.startswith(BLOCK_MARKER + "\n") or text == BLOCK_MARKER:
        at = 0
    else:
        at = text.rfind("\n" + BLOCK_MARKER + "\n")
        if at < 0 and text.endswith("\n" + BLOCK_MARKER):
            at = len(text) - len(BLOCK_MARKER) - 1
        if at < 0:
            return text, None
        at += 1
    definition = text[:at].strip()
    block: dict[str, str] = {}
    labels = dict(_BLOCK_FIELDS)
    for line in text[at + len(BLOCK_MARKER) :].split("\n"):
        label, sep, value = line.partition(":")
        name = labels.get(label.strip().casefold())
        if sep and name:
            block[name] = _unescape(value[1:] if value.startswith(" ") else value)
    return definition, block


def parse_qdc(data: bytes) -> list[ThemeRow]:
    """Rows from a REFI-QDA codebook (or a REFI-QDA project's codebook)."""
    root = _parse_xml(data)
    if _local(root.tag) == "Project":
        books = _children(root, "CodeBook")
        if not books:
            raise CodebookImportError("The project file has no CodeBook element.")
        root = books[0]
    if _local(root.tag) != "CodeBook":
        raise CodebookImportError(
            f"The file's top element is <{_local(root.tag)[:40]}>, not a REFI-QDA <CodeBook>."
        )
    code_lists = _children(root, "Codes")
    if not code_lists:
        raise CodebookImportError("The codebook has no <Codes> element.")
    kinds_by_guid = _kinds_from_sets(root)

    rows: list[ThemeRow] = []
    problems: list[str] = []
    # Walk without recursion: a hostile file may nest codes thousands deep.
    stack = [(code, "") for code in reversed(_children(code_lists[0], "Code"))]
    taken: set[str] = set()
    while stack:
        element, parent = stack.pop()
        if len(rows) >= MAX_THEMES:
            raise CodebookImportError(f"The file has more than {MAX_THEMES} codes.")
        try:
            row = _qdc_row(element, parent, len(rows) + 1, kinds_by_guid, taken)
        except CodebookImportError as error:
            problems.extend(error.problems)
            if len(problems) >= 20:
                break
            continue
        taken.add(row.key)
        rows.append(row)
        stack.extend((child, row.key) for child in reversed(_children(element, "Code")))
    if problems:
        raise CodebookImportError(problems[:20])
    if not rows:
        raise CodebookImportError("The codebook has no codes.")
    return rows


def _kinds_from_sets(root) -> dict[str, str]:
    """Codes grouped in a set named like a kind ("Barrier", "Enabler", "System issue")."""
    out: dict[str, str] = {}
    for sets in _children(root, "Sets"):
        for group in _children(sets, "Set"):
            try:
                kind = parse_kind(group.get("name"), "set")
            except CodebookImportError:
                continue
            if kind:
                for member in _children(group, "MemberCode"):
                    out[str(member.get("targetGUID", "")).strip("{}").lower()] = kind
    return out


def _qdc_row(element, parent: str, number: int, kinds_by_guid, taken) -> ThemeRow:
    name = clean_label(element.get("name"))
    where = f"Code {number}" + (f" (“{name[:60]}”)" if name else "")
    if not name:
        raise CodebookImportError(f"{where}: the code has no name")
    if len(name) > 160:
        raise CodebookImportError(f"{where}: the name is longer than 160 characters")
    descriptions = _children(element, "Description")
    text = "".join(descriptions[0].itertext()) if descriptions else None
    definition, block = _split_description(text) if text is not None else (None, None)
    if block is None:
        # Another tool's code: only the name, the nesting and the description are known.
        key = key_for_label(name, where)
        base, n = key, 1
        while key in taken:
            n += 1
            key = f"{base[:75]}-{n}"
        guid = str(element.get("guid", "")).strip("{}").lower()
        return ThemeRow(
            key=key,
            label=name,
            parent=parent,
            kind=kinds_by_guid.get(guid),
            definition=definition,
            where=where,
        )
    key = clean_label(block.get("key"))
    key = check_key(key, where) if key else key_for_label(name, where)
    return ThemeRow(
        key=key,
        label=name,
        parent=parent,
        kind=parse_kind(block.get("kind"), where),
        status=parse_status(block.get("status"), where),
        definition=definition,
        include=clean_text(block["include"]) if "include" in block else None,
        exclude=clean_text(block["exclude"]) if "exclude" in block else None,
        key_phrases=split_list(block["key_phrases"]) if "key_phrases" in block else None,
        examples=split_list(block["examples"]) if "examples" in block else None,
        core_questions=(
            parse_numbers(block["core_questions"], where) if "core_questions" in block else None
        ),
        where=where,
    )
