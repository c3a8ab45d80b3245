"""People's work on the demo evidence, and the machine work it feeds, in the order a programme
does it: the worker builds segments; a first coding run suggests themes from the codebook; the
associates and the lead review about a third of the segments (accepting, rejecting and adding
codes) and double-code a sample; the learned model is trained on their decisions; a second run
puts its suggestions in the review queue; discovery proposes candidate themes.

Jobs are run here, in this process, by calling the same tasks the worker runs (each claims its
run first, so the copies the queue also holds do nothing when the worker reaches them). The
reviewers' judgements come from the plan: which themes the demo's authors meant each sentence
to speak to, with the slips real reviewers make (a theme overlooked, a neighbour added)."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable

from django.db import transaction

from engagement.models import User
from insights.models import (
    CodingRun,
    DiscoveryRun,
    DoubleCodingSample,
    Segment,
    SegmentBuild,
    SegmentReview,
    Theme,
)

from .records import Said

Note = Callable[[str], None]
_WORD = re.compile(r"[a-z0-9']+")


def _grams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


class SaidIndex:
    """Finds which planned sentences a segment holds, even after redaction changed a word or
    two: a sentence is in a segment when most of its word triples are."""

    def __init__(self, pieces: list[Said]):
        self.pieces = pieces
        self.sizes = []
        self.index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for number, piece in enumerate(pieces):
            grams = _grams(piece.text)
            self.sizes.append(len(grams))
            for gram in grams:
                self.index[gram].append(number)

    def themes_of(self, text: str) -> set[str]:
        hits = Counter(n for gram in _grams(text) for n in self.index.get(gram, ()))
        return {
            theme
            for number, count in hits.items()
            if count >= 0.6 * self.sizes[number]
            for theme in self.pieces[number].themes
        }


class Judgement:
    """A reviewer's reading of a segment: the intended themes, with occasional slips."""

    def __init__(self, index: SaidIndex, themes: dict[str, Theme], rng: random.Random):
        self.index, self.themes, self.rng = index, themes, rng
        siblings: dict[int | None, list[Theme]] = defaultdict(list)
        for theme in themes.values():
            siblings[theme.parent_id].append(theme)
        self.siblings = siblings

    def of(self, segment: Segment, *, miss: float, extra: float) -> set[str]:
        intended = {key for key in self.index.themes_of(segment.text) if key in self.themes}
        chosen = {key for key in intended if self.rng.random() >= miss}
        if intended and self.rng.random() < extra:
            anchor = self.themes[self.rng.choice(sorted(intended))]
            near = [t.key for t in self.siblings[anchor.parent_id] if t.key not in intended]
            if near:
                chosen.add(self.rng.choice(sorted(near)))
        return chosen


def approved_themes() -> dict[str, Theme]:
    return {t.key: t for t in Theme.objects.filter(status=Theme.Status.APPROVED)}


# --- Running the worker's jobs here ---------------------------------------------------------------
def build_segments_now(note: Note) -> int:
    from insights.tasks import build_segments

    pending = list(
        SegmentBuild.objects.filter(status=SegmentBuild.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for done, build_id in enumerate(pending, start=1):
        build_segments.call(build_id=build_id)
        if done % 150 == 0 or done == len(pending):
            note(f"{done} of {len(pending)} records redacted and split into segments")
    return Segment.objects.count()


def coding_run_now(lead: User, note: Note) -> CodingRun:
    from insights.services.coding import coding_run_start
    from insights.tasks.coding import code_segments

    run = coding_run_start(user=lead, segment_filter={})
    code_segments.call(run_id=run.pk)
    run.refresh_from_db()
    model = f"with learned model v{run.suggester.version}" if run.suggester_id else "(no model yet)"
    note(f"coding run {run.pk} {model}: {run.suggestions_made} suggestions, {run.status}")
    return run


def train_now(lead: User, note: Note):
    from insights.services.training import latest_model, pending_model, retrain_request
    from insights.tasks.coding import train_suggester

    model = latest_model()
    if model is None:
        model = pending_model() or retrain_request(user=lead)
        train_suggester.call(model_id=model.pk)
        model.refresh_from_db()
    metrics = model.metrics or {}
    note(
        f"learned model v{model.version}: {metrics.get('status')}, trained on {model.n_train} "
        f"segments, cross-validated micro-F1 {metrics.get('micro_f1', 'n/a')}"
    )
    return model


def discovery_now(lead: User, note: Note) -> DiscoveryRun:
    from insights.services.discovery import discovery_requested
    from insights.tasks.discovery import run_discovery

    run = discovery_requested(lead, {})
    run_discovery.call(run_id=run.pk)
    run.refresh_from_db()
    note(f"discovery run {run.pk}: {run.candidates.count()} candidate themes, {run.status}")
    return run


# --- People's decisions ---------------------------------------------------------------------------
def review_segments(config: dict, pieces: list[Said], note: Note, *, include=()) -> int:
    """The associates and the lead review a share of the segments, as in the review screen
    (always including `include`: the double-coded sample, settled once both have coded it)."""
    from insights.services.review import (
        code_accept,
        code_add,
        code_reject,
        quote_flag,
        segment_done,
    )

    if SegmentReview.objects.filter(reviewed_at__isnull=False).exists():
        note("reviews already recorded: kept")
        return 0
    spec = config["review"]
    rng = random.Random(config["seed"] + 1)
    themes = approved_themes()
    judge = Judgement(SaidIndex(pieces), themes, rng)
    coders = list(User.objects.filter(email__in=spec["coders"]).order_by("email"))
    ids = sorted(Segment.objects.in_analysis().values_list("pk", flat=True))
    include = set(include) & set(ids)
    others = sorted(set(ids) - include)
    extra = rng.sample(others, max(0, min(spec["segments"] - len(include), len(others))))
    chosen = sorted(include | set(extra))
    decided = 0
    # One transaction: the learned model's "retrain after N reviews" rule then sees all of them
    # at once and asks for one training, not one per batch.
    with transaction.atomic():
        segments = Segment.objects.filter(pk__in=chosen).prefetch_related("codes__theme")
        for number, segment in enumerate(segments.order_by("pk")):
            coder = coders[number % len(coders)]
            keep = judge.of(segment, miss=spec["miss_rate"], extra=spec["extra_rate"])
            waiting = {c.theme.key: c for c in segment.codes.all() if c.status == "suggested"}
            for key, code in waiting.items():
                (code_accept if key in keep else code_reject)(code, user=coder)
                decided += 1
            for key in sorted(keep - set(waiting)):
                code_add(segment, themes[key], user=coder)
                decided += 1
            segment_done(segment, user=coder)
            if keep and rng.random() < spec["flag_rate"]:
                quote_flag(segment, user=coder, flagged=True)
    note(f"{len(chosen)} segments reviewed: {decided} codes accepted, rejected or added")
    return decided


def double_code(config: dict, pieces: list[Said], lead: User, note: Note):
    from insights.services.double_coding import sample_code, sample_create

    spec = config["double_coding"]
    existing = DoubleCodingSample.objects.filter(name=spec["name"]).first()
    if existing is not None:
        note("double-coding sample already recorded: kept")
        return existing
    coder_a, coder_b = (User.objects.get(email=email) for email in spec["coders"])
    themes = approved_themes()
    index = SaidIndex(pieces)
    with transaction.atomic():
        sample = sample_create(
            name=spec["name"],
            coder_a=coder_a,
            coder_b=coder_b,
            size=spec["size"],
            segment_filter=spec["filter"],
            stratify_by=spec["stratify_by"],
            created_by=lead,
            seed=config["seed"],
        )
        for offset, coder in enumerate((coder_a, coder_b)):
            judge = Judgement(index, themes, random.Random(config["seed"] + 10 + offset))
            for segment in sample.segments.order_by("pk"):
                keys = judge.of(segment, miss=spec["miss_rate"], extra=spec["extra_rate"])
                chosen = [themes[key] for key in sorted(keys)]
                sample_code(sample, coder=coder, segment=segment, themes=chosen)
    note(f"double-coding sample of {spec['size']} segments coded by two associates")
    return sample
