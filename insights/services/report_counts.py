"""Counting a theme report: one SQL statement for every figure, and the chosen quotes' words.

The statement's common table expressions pick the segments in scope once (through
`apply_filter`, the one filter) and the accepted codes on them once; each figure is then a
GROUP BY over those rows, taken DISTINCT first so the database can hash rather than sort. One
pass over the codes instead of one per figure is what keeps a report over 100,000 coded
segments fast, and the number of queries is the same whatever the data. What it returns is
unsuppressed: `reports.py` passes it through `suppression.py`.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from ..filters import describe_filter
from ..models import Code, Segment, SegmentReview
from .report_figures import (
    QUOTES_PER_THEME,
    EvidenceThemes,
    Quote,
    RawFigures,
    codebook_version_label,
    evidence_themes,
    round_key,
    round_order,
    segments_in_scope,
)


def _quarter_sql(column: str) -> str:
    """A date's quarter as the integer year * 10 + quarter (20261 for Q1 2026). Doubled
    percent signs: the statement is run with parameters."""
    if connection.vendor == "sqlite":
        return (
            f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 10"
            f" + (CAST(strftime('%%m', {column}) AS INTEGER) + 2) / 3)"
        )
    # date_part (a float) rather than EXTRACT (a numeric): noticeably cheaper per row.
    return (
        f"(CAST(date_part('year', {column}) AS INTEGER) * 10"
        f" + (CAST(date_part('month', {column}) AS INTEGER) + 2) / 3)"
    )


_NONE = "CAST(NULL AS INTEGER)"  # typed, so that every part of the UNION agrees

# Each figure: (label, SELECT list, source, GROUP BY). `ep` holds one row per theme row, person,
# round and quarter (people say many things about one theme on one occasion, so it is far
# smaller than the codes). Top-level rows count their own codes and their sub-themes';
# sub-theme rows (own <> top) count their own.
_FIGURES = [
    ("top", f"top, {_NONE}", "(SELECT DISTINCT top, person FROM ep) d", "top"),
    ("own", f"own, {_NONE}", "(SELECT DISTINCT own, person FROM ep WHERE own <> top) d", "own"),
    ("top_round", "top, rnd", "(SELECT DISTINCT top, rnd, person FROM ep) d", "top, rnd"),
    (
        "own_round",
        "own, rnd",
        "(SELECT DISTINCT own, rnd, person FROM ep WHERE own <> top) d",
        "own, rnd",
    ),
    ("top_quarter", "top, q", "(SELECT DISTINCT top, q, person FROM ep) d", "top, q"),
    (
        "own_quarter",
        "own, q",
        "(SELECT DISTINCT own, q, person FROM ep WHERE own <> top) d",
        "own, q",
    ),
    ("top_segments", f"top, {_NONE}", "(SELECT DISTINCT top, seg FROM ev) d", "top"),
]
# A sub-theme row's segments. A code is unique per segment and theme, so when each sub-theme
# row stands for one theme only (nothing merged into it, nothing below it) its codes are its
# segments and need no DISTINCT, which spares hashing every coded segment once more.
_OWN_SEGMENTS = (
    "own_segments",
    f"own, {_NONE}",
    "(SELECT DISTINCT own, seg FROM ev WHERE own <> top) d",
    "own",
)
_OWN_SEGMENTS_ONE_THEME = ("own_segments", f"own, {_NONE}", "ev WHERE own <> top", "own")


# A quote's preference as one integer: flagged (0/1), then score to a thousandth (-1 when a
# person coded it without one), then the segment id (newer first), which the low digits keep.
_SEGMENT_SPAN = 10**12
_QUOTE_KEY = (
    f"(CAST(powerful AS BIGINT) * {4 * 10**15}"
    f" + CAST((COALESCE(score, -1) + 1) * 1000 AS BIGINT) * {_SEGMENT_SPAN} + seg)"
)


def _counts_sql(segment_filter, tree: EvidenceThemes, quotes_per_theme: int) -> tuple[str, list]:
    quote = connection.ops.quote_name
    code_table = quote(Code._meta.db_table)
    review_table = quote(SegmentReview._meta.db_table)
    # The segments in scope as the filter selects them, with the few columns the counts need
    # (no ORDER BY inside: the segments' default ordering would sort the scope for nothing).
    scope = (
        segments_in_scope(segment_filter)
        .order_by()
        .values("id", "person_key", "round_number", "said_on")
    )
    scope_sql, scope_params = scope.query.sql_with_params()
    mapping = sorted((tid, tree.own[tid], tree.top[tid]) for tid in tree.own)
    values = ", ".join(["(%s, %s, %s)"] * len(mapping))
    params: list = list(scope_params)
    params += [value for row in mapping for value in row]
    params.append(Code.Status.ACCEPTED)
    parts = [
        # Everyone and everything in scope, whether coded or not: the denominators.
        f"SELECT 'people', 0, {_NONE}, COUNT(*) FROM (SELECT DISTINCT person FROM sp) d",  # noqa: S608
        f"SELECT 'segments', 0, {_NONE}, COUNT(*) FROM sc",  # noqa: S608
        "SELECT 'round_people', 0, rnd, COUNT(*) FROM (SELECT DISTINCT rnd, person FROM sp) d "
        "GROUP BY rnd",
        "SELECT 'quarter_people', 0, q, COUNT(*) FROM (SELECT DISTINCT q, person FROM sp) d "
        "GROUP BY q",
    ]
    sub_rows = [own for tid, own in tree.own.items() if own != tree.top[tid]]
    one_theme_each = len(sub_rows) == len(set(sub_rows))
    own_segments = _OWN_SEGMENTS_ONE_THEME if one_theme_each else _OWN_SEGMENTS
    for label, columns, source, group in [*_FIGURES, own_segments]:
        parts.append(f"SELECT '{label}', {columns}, COUNT(*) FROM {source} GROUP BY {group}")  # noqa: S608
    # Pairs of themes said in one segment, in people (own level: what was actually coded).
    parts.append(
        "SELECT 'pair', a, b, COUNT(*) FROM (SELECT DISTINCT e1.own AS a, e2.own AS b, "
        "e1.person FROM ev e1 JOIN ev e2 ON e1.seg = e2.seg AND e1.own < e2.own) d "
        "GROUP BY a, b"
    )
    if quotes_per_theme:
        # The most representative quotes of each theme row, one per person (so that one
        # talkative person does not fill a theme's quotes): flagged powerful quotes first, then
        # the machine's highest score, then the newest. Each code's preference is packed into
        # one integer (flag, score to 1/1000, segment id) so that each person's best is a plain
        # MAX and only one row per person and theme is ranked, not every code.
        # Rows: ('quote', theme row, segment, rank).
        parts.append(
            # (%% is a literal percent sign: the statement is run with parameters.)
            f"SELECT 'quote', own, CAST(k %% {_SEGMENT_SPAN} AS INTEGER), rank FROM "  # noqa: S608
            "(SELECT own, k, ROW_NUMBER() OVER (PARTITION BY own ORDER BY k DESC) AS rank FROM "
            f"(SELECT own, MAX({_QUOTE_KEY}) AS k FROM ev GROUP BY own, person) pk) r "
            "WHERE rank <= %s"
        )
        params.append(quotes_per_theme)
    # Every value is a parameter; what is interpolated is this module's own constant SQL, quoted
    # table names and the filter as Django compiled it.
    sql = (
        f"WITH s0 AS ({scope_sql}), "  # noqa: S608
        # People numbered once (their keys hashed once), so that every DISTINCT below hashes
        # small integers rather than pseudonymous keys.
        "pk AS (SELECT person_key, ROW_NUMBER() OVER () AS pid "
        "FROM (SELECT DISTINCT person_key FROM s0) d), "
        f"sc AS (SELECT s0.id AS seg, pk.pid AS person, CAST(s0.round_number AS INTEGER) AS rnd, "
        f"{_quarter_sql('s0.said_on')} AS q FROM s0 JOIN pk ON pk.person_key = s0.person_key), "
        # Each person once per round and quarter: the denominators are counted from this.
        "sp AS (SELECT DISTINCT person, rnd, q FROM sc), "
        f"m (theme, own, top) AS (VALUES {values}), "
        "ev AS (SELECT sc.seg, sc.person, sc.rnd, sc.q, CAST(m.own AS INTEGER) AS own, "
        "CAST(m.top AS INTEGER) AS top, c.score AS score, "
        f"CASE WHEN r.powerful_quote THEN 1 ELSE 0 END AS powerful FROM {code_table} c "
        "JOIN sc ON sc.seg = c.segment_id JOIN m ON m.theme = c.theme_id "
        f"LEFT JOIN {review_table} r ON r.segment_id = c.segment_id "
        "WHERE c.status = %s), "
        "ep AS (SELECT DISTINCT own, top, rnd, q, person FROM ev) " + " UNION ALL ".join(parts)
    )
    return sql, params


def _quarter_key(number: int) -> str:
    return f"{number // 10}-Q{number % 10}"


def raw_figures(segment_filter: dict | None, *, quotes_per_theme: int = QUOTES_PER_THEME):
    """Count everything a report shows for one filter in a fixed number of queries: the
    codebook, its version, one statement for every count and the choice of quotes, and one for
    the quotes' words."""
    segment_filter = dict(segment_filter or {})
    tree = evidence_themes()
    figures = RawFigures(
        segment_filter=segment_filter,
        filter_text=describe_filter(segment_filter),
        codebook_version=codebook_version_label(),
        themes=tree.rows,
    )
    if not tree.own:
        # No approved theme: count the evidence with a mapping that matches no code.
        tree = EvidenceThemes(rows=[], own={0: 0}, top={0: 0})
        quotes_per_theme = 0
    key_of = {row.id: row.key for row in tree.rows}
    rows = tree.by_id()
    sql, params = _counts_sql(segment_filter, tree, quotes_per_theme)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner overestimates the pairs self-join and would spend longer compiling
            # the statement (JIT) than running it, and the default work_mem sends its sorts to
            # disk; both only for this transaction.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            # Its row estimates for the pairs self-join are far out, and it would sort both
            # sides for a merge join where hashing one is cheaper.
            cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(sql, params)
        results = cursor.fetchall()
    chosen: list[tuple[int, int, int]] = []
    for label, unit, period, count in results:
        if label == "people":
            figures.people_total = count
        elif label == "segments":
            figures.segments_total = count
        elif label == "round_people":
            figures.round_people[round_key(period)] = count
        elif label == "quarter_people" and period is not None:
            figures.quarter_people[_quarter_key(period)] = count
        elif unit not in key_of:
            continue
        elif label in ("top", "own"):
            figures.theme_people[key_of[unit]] = count
        elif label in ("top_segments", "own_segments"):
            figures.theme_segments[key_of[unit]] = count
        elif label in ("top_round", "own_round"):
            figures.theme_round_people[(key_of[unit], round_key(period))] = count
        elif label in ("top_quarter", "own_quarter") and period is not None:
            figures.theme_quarter_people[(key_of[unit], _quarter_key(period))] = count
        elif label == "pair" and period in key_of:
            a, b = rows[unit], rows[period]
            # A theme with its own sub-theme says nothing new.
            if a.parent != b.key and b.parent != a.key:
                figures.pairs[(a.key, b.key)] = count
        elif label == "quote":
            chosen.append((unit, count, period))  # (row, rank, segment)
    figures.rounds = sorted(figures.round_people, key=round_order)
    figures.quarters = sorted(figures.quarter_people)
    if chosen:
        figures.quotes = _quotes(sorted(chosen), key_of)
    return figures


def _quotes(chosen, key_of) -> dict[str, list[Quote]]:
    """The words of the chosen quotes, in rank order per theme row. Fetched again from the
    segments in analysis, so a segment withdrawn a moment ago is never quoted."""
    ids = {segment for _, _, segment in chosen}
    texts = {
        row["id"]: row
        for row in Segment.objects.in_analysis()
        .filter(pk__in=ids)
        .values("id", "text", "source_type", "stakeholder_group", "place__name", "said_on")
    }
    flagged = set(
        SegmentReview.objects.filter(segment_id__in=ids, powerful_quote=True).values_list(
            "segment_id", flat=True
        )
    )
    out: dict[str, list[Quote]] = defaultdict(list)
    for unit, _, segment_id in chosen:
        segment = texts.get(segment_id)
        if segment is None:
            continue
        out[key_of[unit]].append(
            Quote(
                segment_id=segment_id,
                text=segment["text"],
                source_type=segment["source_type"],
                stakeholder_group=segment["stakeholder_group"],
                place=segment["place__name"] or "",
                said_on=segment["said_on"],
                powerful=segment_id in flagged,
            )
        )
    return dict(out)
