"""Agreement between human (or machine) coders: Cohen's kappa and Krippendorff's alpha."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def cohens_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa for two coders who each gave one category per item.

    Returns 1.0 when both coders used a single identical category throughout (no disagreement
    is possible, so chance-corrected agreement is taken as perfect) and 0.0 for empty input.
    """
    if len(a) != len(b):
        raise ValueError("the two coders rated different numbers of items")
    n = len(a)
    if n == 0:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b.get(c, 0) for c in count_a) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def kappa_per_theme(
    coder_a: Sequence[Sequence[str]],
    coder_b: Sequence[Sequence[str]],
    themes: Sequence[str] | None = None,
) -> dict[str, float]:
    """Cohen's kappa for each theme, treating "applied / not applied" as a binary code.

    ``coder_a[i]`` and ``coder_b[i]`` are the themes each coder applied to segment ``i``.
    """
    if len(coder_a) != len(coder_b):
        raise ValueError("the two coders coded different numbers of segments")
    if themes is None:
        themes = sorted({t for row in coder_a for t in row} | {t for row in coder_b for t in row})
    sets_a = [set(row) for row in coder_a]
    sets_b = [set(row) for row in coder_b]
    return {
        theme: cohens_kappa([theme in s for s in sets_a], [theme in s for s in sets_b])
        for theme in themes
    }


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    ``units[u][c]`` is coder ``c``'s value for unit ``u``, or ``None`` when that coder did not
    code it. Built from the coincidence matrix: each unit with ``m >= 2`` values adds
    ``1 / (m - 1)`` for every ordered pair of its values from different coders; then
    ``alpha = 1 - (n - 1) * D / E`` where ``D`` sums off-diagonal coincidences and ``E`` sums
    ``n_c * n_k`` over pairs of different values (``n_c`` the marginal totals, ``n`` their sum).
    Units with fewer than two values are not pairable and are ignored.
    """
    coincidence: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, vi in enumerate(values):
            for j, vj in enumerate(values):
                if i != j:
                    coincidence[(vi, vj)] += 1 / (m - 1)
    marginals: Counter[Hashable] = Counter()
    for (c, _k), weight in coincidence.items():
        marginals[c] += weight
    n = sum(marginals.values())
    if n == 0:
        raise ValueError("no unit was coded by two or more coders")
    disagreement = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = sum(marginals[c] * marginals[k] for c in marginals for k in marginals if c != k)
    if expected == 0:
        # Everyone used one value: no variation, so agreement is trivially perfect.
        return 1.0
    return 1 - (n - 1) * disagreement / expected
