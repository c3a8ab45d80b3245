"""Coding runs: the engine suggests themes for a set of segments, as a background task.

A run codes the in-analysis segments under a filter with the codebook's rules and similarity
(`nlp.coding.CodebookCoder`) and, once one has been trained, the learned model
(`nlp.supervised.SupervisedSuggester`), which stays silent when it is unsure. Every suggestion
becomes a `Code` with status "suggested" and a `CodeEvent`, waiting in the review queue.

Runs are idempotent and never touch what people decided: a code a person accepted or rejected is
left exactly as it is, a still-suggested code gets its new score and reason, and a suggestion the
engine no longer makes is taken back. Segments a person has marked as done are not coded again.
Segments are read and written in batches, so memory stays flat however many there are."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from engagement.background import enqueue_on_commit

from ..filters import apply_filter
from ..models import Code, CodebookVersion, CodeEvent, CodingRun, Segment, Theme
from .engine import embedder, engine_codebook

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
REASON_LENGTH = Code._meta.get_field("reason").max_length
# When several sources propose the same theme, the code says it came from the strongest:
# the learned model has learned from people's decisions, a phrase match is explicit, and
# similarity to a definition is the weakest evidence.
ORIGIN_PRIORITY = (Code.Origin.MODEL, Code.Origin.RULE, Code.Origin.SIMILARITY)


class CodingError(Exception):
    """A run cannot go ahead; the message is written for the person who started it."""


def segments_to_code(segment_filter: dict | None):
    """The segments a run over this filter codes: in analysis, and not yet settled by a person."""
    chosen = apply_filter(Segment.objects.in_analysis(), segment_filter).values("pk")
    # `pk__in` rather than the filtered queryset itself: a cohort filter joins a many-to-many
    # table and would otherwise repeat segments.
    return Segment.objects.filter(pk__in=chosen).exclude(review__reviewed_at__isnull=False)


def coding_run_start(*, user, segment_filter: dict | None) -> CodingRun:
    """Record a run over the filter and queue it on the `nlp` queue (once this transaction
    commits). Raises `CodingError` when there is nothing to code with or nothing to code."""
    from ..tasks.coding import code_segments
    from .training import latest_model

    if not Theme.objects.filter(status=Theme.Status.APPROVED).exists():
        raise CodingError("There are no approved themes to code with. Approve some themes first.")
    total = segments_to_code(segment_filter).count()
    if not total:
        raise CodingError(
            "No segments to code match this filter: they are all reviewed already, "
            "or there are none yet."
        )
    with transaction.atomic():
        run = CodingRun.objects.create(
            segment_filter=segment_filter or {},
            started_by=user,
            total=total,
            codebook_version=CodebookVersion.objects.order_by("-number").first(),
            suggester=latest_model(),
        )
        enqueue_on_commit(code_segments, run_id=run.pk)
    return run


@dataclass
class Proposal:
    """What the engine says about one theme for one segment, merged across sources."""

    origin: str
    score: float
    reason: str
    model_name: str
    model_version: str

    @property
    def actor_label(self) -> str:
        return f"{self.model_name} {self.model_version}".strip()


class RunCoder:
    """The engine set up for one run: codebook coder, learned model, theme ids, labels."""

    def __init__(self, run: CodingRun):
        from nlp.coding import CodebookCoder

        from .training import load_suggester

        self.embedder = embedder()
        codebook = engine_codebook()
        self.theme_ids = dict(
            Theme.objects.filter(status=Theme.Status.APPROVED).values_list("key", "pk")
        )
        self.coder = CodebookCoder(codebook, embedder=self.embedder)
        if not self.coder.themes:
            raise CodingError("There are no approved themes to code with.")
        version = run.codebook_version.number if run.codebook_version_id else None
        self.codebook_label = f"codebook v{version}" if version else ""
        self.suggester = None
        self.suggester_row = run.suggester
        if run.suggester is not None:
            try:
                self.suggester = load_suggester(run.suggester)
            except Exception as error:
                # A missing or unreadable model file must not stop rules and similarity.
                logger.warning("suggester v%s not loaded: %s", run.suggester.version, error)
                self.suggester_row = None

    def propose(self, texts: list[str]) -> list[dict[str, Proposal]]:
        """Per text, the themes worth suggesting, keyed by theme key."""
        vectors = self.embedder.encode(texts)
        ranked = self.coder.suggest(texts, vectors)
        decided = self.coder.code(texts, vectors)
        model = self._model_suggestions(texts, vectors)
        out = []
        for i, suggestions in enumerate(ranked):
            found: dict[str, dict[str, tuple[float, str]]] = {}
            chosen = set(decided[i])
            for s in suggestions:
                # Every phrase match, and similarity only where the coding policy keeps it.
                if s.source == "rule" or s.theme_key in chosen:
                    found.setdefault(s.theme_key, {})[s.source] = (s.score, s.reason)
            for key, (score, reason) in model[i].items():
                found.setdefault(key, {})["model"] = (score, reason)
            out.append({key: self._merge(by_source) for key, by_source in found.items()})
        return out

    def _model_suggestions(self, texts, vectors) -> list[dict[str, tuple[float, str]]]:
        empty: list[dict] = [{} for _ in texts]
        if self.suggester is None:
            return empty
        thresholds = dict(
            zip(self.suggester.labels_, self.suggester.thresholds_.tolist(), strict=True)
        )
        out = []
        for prediction in self.suggester.predict_detailed(texts, vectors):
            if prediction.abstain:
                # The model is unsure: it says nothing and leaves the segment to rules,
                # similarity and people.
                out.append({})
                continue
            out.append(
                {
                    label: (p, f"learned model: p={p:.2f}, threshold {thresholds[label]:.2f}")
                    for label, p in prediction.probabilities.items()
                }
            )
        return out

    def _merge(self, by_source: dict[str, tuple[float, str]]) -> Proposal:
        origin = next(o for o in ORIGIN_PRIORITY if o in by_source)
        score = by_source[origin][0]
        reasons = [by_source[o][1] for o in ORIGIN_PRIORITY if o in by_source]
        reason = "; ".join(reasons)
        if len(reason) > REASON_LENGTH:
            reason = reason[: REASON_LENGTH - 1] + "…"
        if origin == Code.Origin.MODEL:
            name, version = self.suggester_row.name, f"v{self.suggester_row.version}"
        elif origin == Code.Origin.RULE:
            name, version = "codebook rules", self.codebook_label
        else:
            name, version = f"similarity ({self.embedder.name})", self.codebook_label
        return Proposal(origin, round(float(min(max(score, 0.0), 1.0)), 4), reason, name, version)


def coding_run_execute(run: CodingRun) -> int:
    """Code every segment of the run in batches, recording progress; returns suggestions made."""
    _progress(run, status=CodingRun.Status.RUNNING, done=0)
    try:
        coder = RunCoder(run)
    except CodingError as error:
        _progress(run, status=CodingRun.Status.FAILED, error=str(error), finished_at=timezone.now())
        return 0
    if run.suggester_id and coder.suggester_row is None:
        _progress(run, suggester=None)
    segments = segments_to_code(run.segment_filter).order_by("pk")
    _progress(run, total=segments.count())
    done = made = 0
    last_pk = 0
    while True:
        batch = list(segments.filter(pk__gt=last_pk).values_list("pk", "text")[:BATCH_SIZE])
        if not batch:
            break
        last_pk = batch[-1][0]
        proposals = coder.propose([text for _, text in batch])
        ids = [pk for pk, _ in batch]
        made += _store_batch(run, coder, ids, proposals)
        done += len(batch)
        _progress(run, done=done, suggestions_made=made)
    _progress(run, status=CodingRun.Status.DONE, finished_at=timezone.now())
    from .review_order import request_ranking

    request_ranking()
    return made


def _store_batch(run, coder: RunCoder, ids: list[int], proposals) -> int:
    try:
        return _write_batch(run, coder, ids, proposals)
    except IntegrityError:
        # Another run created one of these codes between our read and our write: read again.
        return _write_batch(run, coder, ids, proposals)


@transaction.atomic
def _write_batch(run, coder: RunCoder, ids: list[int], proposals) -> int:
    existing = {(c.segment_id, c.theme_id): c for c in Code.objects.filter(segment_id__in=ids)}
    created, updated, deleted, events = [], [], [], []
    for segment_id, by_theme in zip(ids, proposals, strict=True):
        wanted = set()
        for key, proposal in by_theme.items():
            theme_id = coder.theme_ids.get(key)
            if theme_id is None:
                continue
            wanted.add(theme_id)
            code = existing.get((segment_id, theme_id))
            if code is None:
                created.append(
                    Code(
                        segment_id=segment_id,
                        theme_id=theme_id,
                        status=Code.Status.SUGGESTED,
                        run=run,
                        **_fields(proposal),
                    )
                )
            elif (
                code.status == Code.Status.SUGGESTED
                and code.origin != Code.Origin.PERSON  # a person's code back for review
                and _differs(code, proposal)
            ):
                for name, value in _fields(proposal).items():
                    setattr(code, name, value)
                code.run = run
                updated.append(code)
                events.append(_event(code, "rescored", proposal.actor_label))
            # An accepted or rejected code is a person's decision: never touched.
        deleted.extend(
            c.pk
            for (seg, theme_id), c in existing.items()
            if seg == segment_id
            and c.status == Code.Status.SUGGESTED
            and c.origin != Code.Origin.PERSON
            and theme_id not in wanted
        )
    if deleted:
        Code.objects.filter(pk__in=deleted, status=Code.Status.SUGGESTED).delete()
    if updated:
        now = timezone.now()
        for code in updated:
            code.updated_at = now
        Code.objects.bulk_update(
            updated,
            ["origin", "score", "reason", "model_name", "model_version", "run", "updated_at"],
        )
    if created:
        Code.objects.bulk_create(created)
        events.extend(
            _event(code, "suggested", f"{code.model_name} {code.model_version}".strip())
            for code in created
        )
    CodeEvent.objects.bulk_create(events)
    return len(created)


def _fields(proposal: Proposal) -> dict:
    return {
        "origin": proposal.origin,
        "score": proposal.score,
        "reason": proposal.reason,
        "model_name": proposal.model_name,
        "model_version": proposal.model_version,
    }


def _differs(code: Code, proposal: Proposal) -> bool:
    return any(getattr(code, name) != value for name, value in _fields(proposal).items())


def _event(code: Code, action: str, label: str) -> CodeEvent:
    return CodeEvent(
        code=code,
        action=action,
        from_status="" if action == "suggested" else code.status,
        to_status=Code.Status.SUGGESTED,
        actor_label=label,
    )


def _progress(run: CodingRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    CodingRun.objects.filter(pk=run.pk).update(**fields, updated_at=timezone.now())
