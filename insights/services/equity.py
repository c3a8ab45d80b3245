"""Equity audit: are the people we heard from (or a service's clients) like the population?

Both sides are counts by Place × dimension × group, in one shape::

    [{"place": "<place key or ''>", "dimension": "age_band", "group": "25-34", "count": 12}, ...]

**Representation ratio** = the group's share of participants ÷ its share of the population. 1
means represented in proportion; below 1, under-represented.

**95% confidence interval** by the Katz log method for a ratio of two independent proportions
(Katz et al., 1978): with ``a`` of ``n1`` participants and ``b`` of ``n2`` residents in the group,

    SE(ln RR) = sqrt(1/a − 1/n1 + 1/b − 1/n2),   CI = RR × exp(±1.96 × SE).

When no participant is in the group (a = 0) the log method fails, so the interval runs from 0 to
the Wilson 95% upper bound of the participant share divided by the population share.

A group is **under-represented** when the whole interval lies below 1 (upper bound < 1). Counts of
participants below the small-number threshold are not shown, nor anything they could be worked
back from (share, ratio, interval); secondary suppression stops one hidden count being worked out
from the total.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from engagement.models import SurveyDemographics
from engagement.suppression import SHOWN, Cell, suppress

Z = 1.959963984540054  # the 97.5th percentile of the standard normal

DIMENSIONS = {
    "age_band": ("Age band", dict(SurveyDemographics.AgeBand.choices)),
    "sex": ("Sex", dict(SurveyDemographics.Sex.choices)),
    "ethnicity": ("Ethnicity", dict(SurveyDemographics.Ethnicity.choices)),
    "deprivation_decile": (
        "Deprivation decile",
        {str(d): f"Decile {d}" + (" (most deprived)" if d == 1 else "") for d in range(1, 11)},
    ),
}
TOTAL = "__total__"


@dataclass(frozen=True)
class Ratio:
    ratio: float
    lower: float
    upper: float

    @property
    def under_represented(self) -> bool:
        return self.upper < 1


def wilson_interval(successes: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval for a proportion."""
    if n <= 0:
        raise ValueError("No one to take a share of.")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def representation_ratio(a: int, n1: int, b: int, n2: int) -> Ratio | None:
    """The ratio of (a/n1) to (b/n2) with its Katz log 95% interval; None when the population
    has no one in the group (or there is no one on either side) so no ratio exists."""
    if n1 <= 0 or n2 <= 0 or b <= 0:
        return None
    population_share = b / n2
    ratio = (a / n1) / population_share
    if a == 0:
        return Ratio(0.0, 0.0, wilson_interval(0, n1)[1] / population_share)
    se = math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / b - 1 / n2))
    return Ratio(ratio, ratio * math.exp(-Z * se), ratio * math.exp(Z * se))


def totals(counts: Iterable[dict], dimension: str, place: str = "") -> Counter:
    """Counts by group for one dimension, in one Place or (place "") all of them."""
    result: Counter = Counter()
    for row in counts:
        if row["dimension"] != dimension or (place and row["place"] != place):
            continue
        result[str(row["group"])] += int(row["count"])
    return result


@dataclass
class EquityRow:
    group: str
    label: str
    participants: Cell
    participant_share: float | None  # None when hidden
    population: int
    population_share: float
    ratio: Ratio | None  # None when hidden or undefined

    @property
    def under_represented(self) -> bool:
        return bool(self.ratio and self.ratio.under_represented)


@dataclass
class EquityComparison:
    dimension: str
    dimension_label: str
    place: str
    participants_total: Cell
    population_total: int
    rows: list[EquityRow]

    @property
    def under_represented(self) -> list[EquityRow]:
        return [row for row in self.rows if row.under_represented]


def compare(
    participants: Iterable[dict], population: Iterable[dict], dimension: str, place: str = ""
) -> EquityComparison:
    """Representation of each group of `dimension` among participants against the population.
    Groups are the dimension's known groups plus any other the census names."""
    label, names = DIMENSIONS[dimension]
    mine = totals(participants, dimension, place)
    theirs = totals(population, dimension, place)
    groups = list(names) + sorted(g for g in set(theirs) | set(mine) if g not in names)
    groups = [g for g in groups if mine.get(g, 0) or theirs.get(g, 0)]
    n1, n2 = sum(mine[g] for g in groups), sum(theirs[g] for g in groups)
    values = {g: mine.get(g, 0) for g in groups} | {TOTAL: n1}
    status = suppress(values, groups=[(groups, TOTAL)])
    rows = []
    for group in groups:
        a, b = mine.get(group, 0), theirs.get(group, 0)
        shown = status[group] == SHOWN and status[TOTAL] == SHOWN
        rows.append(
            EquityRow(
                group=group,
                label=names.get(group, group),
                participants=Cell.of(a, status[group]),
                participant_share=(a / n1 if n1 else 0.0) if shown else None,
                population=b,
                population_share=b / n2 if n2 else 0.0,
                ratio=representation_ratio(a, n1, b, n2) if shown else None,
            )
        )
    return EquityComparison(
        dimension=dimension,
        dimension_label=label,
        place=place,
        participants_total=Cell.of(n1, status[TOTAL]),
        population_total=n2,
        rows=rows,
    )


def participant_counts() -> list[dict]:
    """Participants' demographics from the 'about you' survey answers, counted by Place ×
    dimension × group. These answers are only kept with a consented response and are held apart
    from it, so they can only be used in aggregate. Focus-group sign-ups hold no demographics, and
    deprivation decile is not asked."""
    counter: Counter = Counter()
    rows = SurveyDemographics.objects.values_list("place__key", "age_band", "sex", "ethnicity")
    for place, age_band, sex, ethnicity in rows:
        for dimension, group in (("age_band", age_band), ("sex", sex), ("ethnicity", ethnicity)):
            if group:
                counter[(place or "", dimension, group)] += 1
    return [
        {"place": place, "dimension": dimension, "group": group, "count": count}
        for (place, dimension, group), count in sorted(counter.items())
    ]
