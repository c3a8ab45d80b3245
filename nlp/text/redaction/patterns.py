"""The fast, model-free layer of redaction: regular expressions plus checks that keep false
positives down (NHS check digits, National Insurance prefix rules, postcode letter rules).

Each finder returns ``(start, end, kind)`` candidates; choosing between overlapping
candidates is the caller's job. Decisions worth knowing:

* Dates count as personal data only as dates of birth: any date within a few words of "born",
  "DOB", "date of birth" or "birthday"; and, with no such cue, a full numeric date (d/m/yyyy)
  whose year is at least 16 years ago, since that is most often an adult's birth date. Recent
  dates (appointments, when a benefit stopped) are kept: timelines matter to the analysis.
* Street addresses need a house number and a title-cased street name ending in a street word
  ("12 Acacia Road", "Flat 3, 4 High St"). Town and Place names are never redacted.
* Names here are only those after a title ("Mrs Jones" keeps "Mrs") or after "my name is";
  the rest come from the caller's known names and the optional NER layer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from nlp.text.redaction.allowlist import GENERIC_LABEL_WORDS, is_allowlisted

Candidate = tuple[int, int, str]

_EMAIL = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9][\w.+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_URL = re.compile(
    r"(?:\b(?:https?://|www\.)|\b[\w-]+(?:\.[\w-]+)*\.(?:com|co\.uk|org|org\.uk|net|uk|io|me)/)"
    r"[^\s<>\"]*",
    re.IGNORECASE,
)
_URL_TAIL = ".,;:!?)]}'\"’"
# National significant numbers start 1,2,3,5,7,8 or 9 and have 9 or 10 digits; separators may
# be spaces, dashes or the bracket closing an area code.
_PHONE = re.compile(
    r"(?<![\w+/.])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(0|0)"
    r"[1-35789](?:[\s-]?\)?[\s-]?\d){8,9}(?![\w/])"
)
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\w.])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w])")
_NHS_CUE = re.compile(r"\bNHS\b|\bhealth (?:service )?number\b", re.IGNORECASE)
_NI = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2}(?: ?[A-D])?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Crescent|Cres|Grove|Gardens|Gdns|"
    r"Place|Pl|Court|Ct|Terrace|Way|Walk|Square|Sq|Hill|Park|Row|Mews|View|Rise|Parade|Vale|"
    r"Green|Boulevard|Mount|Croft|Fold|Brow|Gate|Heights|Meadows|Wharf|Quay|Approach|Broadway)"
)
_ADDRESS = re.compile(
    r"(?<![\w£$€.,])(?:(?:Flat|Apartment|Apt|Unit|Room|Block)\.? ?\d{1,4}[A-Za-z]?,? +)?"
    r"\d{1,4}[A-Za-z]?(?: ?[-–/] ?\d{1,4}[A-Za-z]?)?,? +"
    rf"(?:(?:St\.?|[A-Z][A-Za-z'’-]+) +){{1,3}}(?i:{_STREET})\b\.?"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_NUMERIC_DATE = re.compile(r"(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-])")
_WRITTEN_DATE = re.compile(
    rf"(?<!\w)(?:\d{{1,2}}{_ORD}(?: of)? {_MONTH}(?:\.(?= \d))?,?(?: \d{{4}})?|"
    rf"{_MONTH}\.? \d{{1,2}}{_ORD},?(?: \d{{4}})?)(?!\w)",
    re.IGNORECASE,
)
_BORN_YEAR = re.compile(r"\bborn (?:in|back in) ((?:19|20)\d{2})\b", re.IGNORECASE)
_DOB_CUE = re.compile(
    r"\b(?:born|DOB|D\.O\.B|date of birth|birth ?date|birthday|b'day)\b", re.IGNORECASE
)
# A capitalised name word, allowing O'Brien, McDonald, D'Arcy and double-barrelled names.
_PART = r"[A-Z][a-z]*(?:['’]?[A-Z][a-z]+)*"
_NAME_WORD = rf"{_PART}(?:-{_PART})?"
_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Nurse|Councillor|Cllr|Auntie|Uncle)"
    rf"\.? ({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})(?![\w'’])"
)
_INTRODUCED_NAME = re.compile(
    r"\b(?i:my name is|my name's|i'm called|i am called|call me|name's) "
    rf"({_NAME_WORD}(?: {_NAME_WORD})?)(?![\w'’])"
)
_CUE_WINDOW = 40


def find_patterns(text: str, known_names: re.Pattern[str] | None = None) -> list[Candidate]:
    """All pattern candidates in ``text``, possibly overlapping."""
    found: list[Candidate] = []
    found += [(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
    found += _urls(text)
    if any(ch.isdigit() for ch in text):
        found += [(m.start(), m.end(), "PHONE") for m in _PHONE.finditer(text)]
        found += _nhs_numbers(text)
        found += _ni_numbers(text)
        found += _postcodes(text)
        found += [(m.start(), m.end(), "ADDRESS") for m in _ADDRESS.finditer(text)]
        found += _dates_of_birth(text)
    found += _names(text)
    if known_names is not None:
        found += [(m.start(), m.end(), "NAME") for m in known_names.finditer(text)]
    return found


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether a 10-digit NHS number's last digit is its modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@lru_cache(maxsize=64)
def known_names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for people's names the caller knows (e.g. a transcript's speakers).

    Full names match in any case; single parts ("Jane" of "Jane Smith") only as written,
    title-cased or upper-cased, so that a speaker called "Will" does not hide every "will".
    Generic labels ("Speaker 1", "Interviewer") and Place names are left out.
    """
    full: set[str] = set()
    parts: set[str] = set()
    for name in names:
        words = name.split()
        if not words or all(w.casefold() in GENERIC_LABEL_WORDS or w.isdigit() for w in words):
            continue
        if len(words) > 1:
            full.add(r"\s+".join(re.escape(w) for w in words))
        for word in words:
            word = word.strip(".,()")
            if len(word) < 2 or not word.isalpha() or word.casefold() in GENERIC_LABEL_WORDS:
                continue
            if is_allowlisted(word):
                continue
            parts |= {re.escape(word), re.escape(word.title()), re.escape(word.upper())}
    alternatives = []
    if full:
        alternatives.append("(?i:" + "|".join(sorted(full, key=len, reverse=True)) + ")")
    if parts:
        alternatives.append("|".join(sorted(parts, key=len, reverse=True)))
    if not alternatives:
        return None
    return re.compile(r"(?<![\w'’])(?:" + "|".join(alternatives) + r")(?![\w])")


def _urls(text: str) -> list[Candidate]:
    found = []
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _URL_TAIL:
            end -= 1
        if end - match.start() > 4:
            found.append((match.start(), end, "URL"))
    return found


def _nhs_numbers(text: str) -> list[Candidate]:
    found = []
    for match in _NHS.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        window = text[max(0, match.start() - _CUE_WINDOW) : match.start()]
        # A stated "NHS number" is redacted even with a mistyped check digit; elsewhere the
        # check digit is what tells an NHS number from any other ten digits.
        if nhs_check_digit_ok(digits) or (_NHS_CUE.search(window) and len(set(digits)) > 1):
            found.append((match.start(), match.end(), "NHS_NUMBER"))
    return found


def _ni_numbers(text: str) -> list[Candidate]:
    found = []
    for match in _NI.finditer(text):
        letters = "".join(ch for ch in match.group() if ch.isalpha())
        if letters.isupper() or letters.islower():
            found.append((match.start(), match.end(), "NI_NUMBER"))
    return found


def _postcodes(text: str) -> list[Candidate]:
    found = []
    for match in _POSTCODE.finditer(text):
        value = match.group()
        # Case-insensitive matching lets "l1 8jq" through; mixed case ("Me 2ab") is prose.
        if value.isupper() or value.islower():
            found.append((match.start(), match.end(), "POSTCODE"))
    return found


def _dates_of_birth(text: str) -> list[Candidate]:
    found = []
    this_year = dt.date.today().year
    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if not (1 <= day <= 31 and 1 <= month <= 12) and not (1 <= month <= 31 and day <= 12):
            continue
        old_enough = len(year) == 4 and 1900 <= int(year) <= this_year - 16
        if old_enough or _has_birth_cue(text, match.start(), match.end()):
            found.append((match.start(), match.end(), "DATE_OF_BIRTH"))
    for match in _WRITTEN_DATE.finditer(text):
        if _has_birth_cue(text, match.start(), match.end()):
            found.append((match.start(), match.end(), "DATE_OF_BIRTH"))
    found += [(m.start(1), m.end(1), "DATE_OF_BIRTH") for m in _BORN_YEAR.finditer(text)]
    return found


def _has_birth_cue(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _CUE_WINDOW) : start]
    after = text[end : end + 20]
    return bool(_DOB_CUE.search(before) or _DOB_CUE.search(after))


def _names(text: str) -> list[Candidate]:
    found = []
    for pattern in (_TITLE_NAME, _INTRODUCED_NAME):
        for match in pattern.finditer(text):
            if not is_allowlisted(match.group(1)):
                found.append((match.start(1), match.end(1), "NAME"))
    return found


def names_tuple(names: Iterable[str]) -> tuple[str, ...]:
    """A hashable, ordered form of a names argument, for ``known_names_pattern``'s cache."""
    return tuple(sorted({" ".join(name.split()) for name in names if name and name.strip()}))
