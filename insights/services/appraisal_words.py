"""The appraisal result in plain words and table rows, for the page and the printed report."""

from __future__ import annotations

from dataclasses import dataclass

from . import appraisal as calc


@dataclass
class RankedOption:
    option: object
    total: float
    rank: int
    kept: float | None  # Monte Carlo: share of draws with the same rank
    top: float | None
    best: int | None
    worst: int | None
    support_text: str


def describe(state) -> dict:
    """Ranked rows, the one-at-a-time table and sentences that say how firm the ranking is."""
    table = [
        {
            "option": option,
            "cells": [
                {
                    "criterion": criterion,
                    "value": state.scores.get((option.key, criterion.key)),
                    "row": state.score_rows.get((option.key, criterion.key)),
                }
                for criterion in state.criteria
            ],
        }
        for option in state.options
    ]
    result = state.result
    if result is None:
        return {"rows": [], "sentences": [], "swings": [], "table": table, "breakdown": []}
    by_key = {o.key: o for o in state.options}
    mc = result.monte_carlo
    rows = []
    for key, total, rank in zip(
        result.base.options, result.base.totals, result.base.ranks, strict=True
    ):
        option = by_key[key]
        rows.append(
            RankedOption(
                option=option,
                total=total,
                rank=rank,
                kept=mc.kept_rank[key] if mc else None,
                top=mc.top[key] if mc else None,
                best=mc.best_rank[key] if mc else None,
                worst=mc.worst_rank[key] if mc else None,
                support_text=state.support[option.pk].text,
            )
        )
    rows.sort(key=lambda r: (r.rank, r.option.title))
    names = {c.key: c.name for c in state.criteria}
    swings = [
        {
            "criterion": names[run.criterion],
            "change": "down 20%" if run.factor < 1 else "up 20%",
            "changed": [by_key[k].title for k in run.changed],
        }
        for run in result.one_at_a_time
    ]
    sentences = []
    leaders = [r for r in rows if r.rank == 1]
    if len(leaders) == 1:
        leader = leaders[0]
        sentence = f"{leader.option.title} ranks first with a weighted score of {leader.total:.2f}"
        sentence += " out of 5."
        sentences.append(sentence)
        if mc:
            sentences.append(
                f"When the weights are varied at random ({mc.draws:,} times), it stays first in "
                f"{leader.top:.0%} of cases."
            )
    elif leaders:
        sentences.append(
            "Joint first: "
            + ", ".join(r.option.title for r in leaders)
            + f" ({leaders[0].total:.2f})."
        )
    moved = [s for s in swings if s["changed"]]
    if not moved:
        sentences.append("Moving any one weight up or down by 20% does not change the order.")
    else:
        sentences.append(
            f"The order changes in {len(moved)} of {len(swings)} one-at-a-time changes of ±20%: "
            + "; ".join(f"{s['criterion']} {s['change']}" for s in moved)
            + "."
        )
    if state.missing:
        sentences.append(
            f"{len(state.missing)} scores are still missing; a missing score counts as the worst."
        )
    return {
        "rows": rows,
        "sentences": sentences,
        "swings": swings,
        "table": table,
        "breakdown": breakdown(state, rows),
    }


def breakdown(state, rows: list[RankedOption]) -> list[dict]:
    """Each option's weighted score split criterion by criterion, in rank order: the
    contribution is normalised weight × score (cost criteria counted as 5 − score)."""
    inputs = [calc.CriterionInput(c.key, state.weights[c.key], c.direction) for c in state.criteria]
    parts = calc.contributions([o.key for o in state.options], inputs, state.scores)
    normalised = calc.normalise({c.key: state.weights[c.key] for c in state.criteria})
    return [
        {
            "option": row.option,
            "rank": row.rank,
            "total": row.total,
            "cells": [
                {
                    "criterion": c,
                    "weight": normalised[c.key],
                    "contribution": parts[row.option.key][c.key],
                }
                for c in state.criteria
            ],
        }
        for row in rows
    ]
