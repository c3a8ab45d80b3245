"""The demo programme's decisions, entered as a lead enters them: benchmarking ratings with their
evidence (themes and quotes picked from what the workbench suggests), options appraisals with
weights and scores, an equity audit's uploads, and one published report. The ratings, weights,
scores and uploaded figures are inputs; rankings, sensitivity, representation ratios, support
from themes and report figures are all computed by the product from them."""

from __future__ import annotations

import csv
import io
import random

from django.db import transaction

from engagement.models import User
from engagement.services.reference import LoadReport
from insights.models import (
    Appraisal,
    Assessment,
    CensusReference,
    ClientExtract,
    Code,
    CoreQuestion,
    Criterion,
    Option,
    Programme,
    Segment,
    Theme,
)

RATINGS = {"S": "strong", "P": "partial", "W": "weak", "-": "none"}
NARRATIVE = {
    "strong": "{programme} shows this clearly: it sets out how it {does} and can point to results. "
    "What people told us in {places} backs this up (see the linked quotes).",
    "partial": "{programme} {does_partly}, but not consistently across its caseload. People we "
    "heard from in {places} describe a mixed picture.",
    "weak": "Little sign yet that {programme} {does}. People in {places} raised this as a gap.",
    "none": "We found no evidence either way for {programme}: nothing published and nothing said "
    "in the engagement. This is a gap in what we know, not a finding.",
}
DOES = {
    1: ("draws on evidence of what works, such as IPS", "uses evidence-based approaches"),
    2: ("measures changes in health and wellbeing", "records some wellbeing measures"),
    3: ("joins up with health, housing, debt and carers' support", "refers on to other help"),
    4: ("reaches and keeps disabled people and people with health conditions",
        "reaches some disabled people"),
    5: ("listens to the people who use it and changes as a result", "asks participants for views"),
    6: ("feeds what it learns into wider economic policy", "shares some data with commissioners"),
    7: ("shares expertise in disability and health with other advisers",
        "offers some training to other staff"),
}  # fmt: skip


def _accepted(themes, places) -> list[Segment]:
    """Segments people coded with these themes in these Places, flagged quotes first."""
    codes = (
        Code.objects.filter(
            status=Code.Status.ACCEPTED,
            theme__in=themes,
            segment__in=Segment.objects.in_analysis().filter(place__in=places),
        )
        .select_related("segment")
        .order_by("-segment__review__powerful_quote", "segment_id")
    )
    seen, segments = set(), []
    for code in codes:
        if code.segment_id not in seen:
            seen.add(code.segment_id)
            segments.append(code.segment)
    return segments


@transaction.atomic
def load_benchmarking(config: dict, lead: User) -> LoadReport:
    from insights.services.benchmarking import suggested_evidence
    from insights.services.decision_editing import record_revision

    report = LoadReport()
    questions = list(CoreQuestion.objects.order_by("number"))
    suggestions = {q.pk: suggested_evidence(q) for q in questions}
    for key, ratings in config["benchmarking"].items():
        programme = Programme.objects.filter(key=key).first()
        if programme is None:
            continue
        done = Assessment.objects.filter(programme=programme).exists()
        report.count("programmes assessed", not done)
        if done:
            continue
        places = list(programme.places.all())
        where = ", ".join(p.name for p in places) or "the region"
        for question, letter in zip(questions, ratings, strict=True):
            rating = RATINGS[letter]
            does, does_partly = DOES[question.number]
            assessment = Assessment.objects.create(
                programme=programme,
                question=question,
                rating=rating,
                narrative=NARRATIVE[rating].format(
                    programme=programme.name, does=does, does_partly=does_partly, places=where
                ),
                assessed_by=lead,
            )
            if rating != "none":
                # What a lead picks from the suggestions: the best-evidenced themes for the
                # question, and a quote or two about them from the programme's Places.
                ranked = sorted(
                    (s for s in suggestions[question.pk] if s.people.value),
                    key=lambda s: -s.people.value,
                )
                themes = [s.theme for s in ranked[:2]]
                assessment.themes.set(themes)
                assessment.quotes.set(_accepted(themes, places)[:2])
                assessment.documents = [
                    {"title": f"{programme.name}: annual report (demo)", "url": ""}
                ][: 1 if rating == "strong" else 0]
                assessment.save(update_fields=["documents", "updated_at"])
            record_revision(assessment, lead)
    return report


@transaction.atomic
def load_appraisals(config: dict, lead: User) -> LoadReport:
    from insights.services.appraisal_data import (
        create_appraisal,
        freeze_version,
        record_score,
        set_weights,
    )

    report = LoadReport()
    themes = {t.key: t for t in Theme.objects.filter(status=Theme.Status.APPROVED)}
    for key, theme_keys in config["option_themes"].items():
        option = Option.objects.filter(key=key).first()
        if option is not None and not option.themes.exists():
            option.themes.set([themes[k] for k in theme_keys if k in themes])
    criteria = {c.key: c for c in Criterion.objects.all()}
    scored = [c for c in criteria.values() if c.source == Criterion.Source.SCORED]
    scored.sort(key=lambda c: c.sort_order)
    order = ["population-need", "evidence-strength", "feasibility", "cost", "equity-impact",
             "time-to-impact"]  # fmt: skip
    for spec in config["appraisals"]:
        exists = Appraisal.objects.filter(title=spec["title"]).exists()
        report.count("appraisals", not exists)
        if exists:
            continue
        options = list(Option.objects.filter(key__in=spec["options"]))
        appraisal = create_appraisal(lead, spec["title"], spec["purpose"], options)
        set_weights(
            appraisal,
            {criteria[k].pk: float(w) for k, w in spec["weights"].items() if k in criteria},
        )
        for option in options:
            for criterion_key, score in zip(order, spec["scores"][option.key], strict=True):
                criterion = criteria[criterion_key]
                record_score(
                    appraisal,
                    option,
                    criterion,
                    lead,
                    score,
                    rationale=_rationale(criterion, score),
                    themes=list(option.themes.all())[:2],
                )
        freeze_version(appraisal, lead, note="Scored at the partners' appraisal workshop (demo)")
    return report


def _rationale(criterion: Criterion, score: int) -> str:
    level = ["none at all", "very low", "low", "moderate", "high", "very high"][score]
    return f"Workshop consensus: {criterion.name.lower()} judged {level} ({score} of 5)."


# --- Equity audit ---------------------------------------------------------------------------------
def census_csv(spec: dict) -> bytes:
    """The illustrative reference population as a census-style upload (place, dimension, group,
    count): each Place's total split by the given shares."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["place", "dimension", "group", "count"])
    for place, total in spec["population"].items():
        for dimension, shares in spec["shares"].items():
            if dimension == "ethnicity":
                shares = spec.get("ethnicity_in", {}).get(place, shares)
            whole = sum(float(v) for v in shares.values())
            for group, share in shares.items():
                writer.writerow([place, dimension, group, round(total * float(share) / whole)])
    return out.getvalue().encode()


def extract_csv(spec: dict, census: dict, seed: int) -> bytes:
    """A provider's client list (one row per client) with whether each started work."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["client_ref", "place", "age_band", "sex", "ethnicity", "deprivation_decile",
                     "outcome"])  # fmt: skip
    shares = census["shares"]

    def pick(weights: dict) -> str:
        keys = list(weights)
        return rng.choices(keys, weights=[float(weights[k]) for k in keys])[0]

    base = spec["job_start_rate"] / (1 - spec["job_start_rate"])
    for number in range(spec["clients"]):
        row = {
            "place": rng.choice(spec["places"]),
            "age_band": pick({**shares["age_band"], "65+": 4, "16-24": 20}),
            "sex": pick(shares["sex"]),
            "ethnicity": pick(shares["ethnicity"]),
            "deprivation_decile": str(min(10, 1 + int(rng.expovariate(0.35)))),
        }
        odds = base
        for dimension, multipliers in spec["odds_multipliers"].items():
            odds *= float(multipliers.get(row[dimension], 1))
        row["outcome"] = int(rng.random() < odds / (1 + odds))
        writer.writerow([f"C{number + 1:04d}", *row.values()])
    return out.getvalue().encode()


@transaction.atomic
def load_equity(config: dict, lead: User) -> LoadReport:
    from insights.services.equity_io import save_census, save_extract

    report = LoadReport()
    census = config["census"]
    exists = CensusReference.objects.filter(name=census["name"]).exists()
    report.count("census references", not exists)
    if not exists:
        save_census(lead, census["name"], census["source"], census_csv(census))
    extract = config["client_extract"]
    exists = ClientExtract.objects.filter(name=extract["name"]).exists()
    report.count("client extracts", not exists)
    if not exists:
        save_extract(lead, extract["name"], extract_csv(extract, census, config["seed"]))
    return report


# --- A published report ---------------------------------------------------------------------------
@transaction.atomic
def load_published_report(config: dict, lead: User) -> LoadReport:
    from pages.models import HomePage
    from pages.reports import ThemeReportIndexPage, ThemeReportPage

    report = LoadReport()
    spec = config["published_report"]
    exists = ThemeReportPage.objects.filter(title=spec["title"]).exists()
    report.count("published reports", not exists)
    if exists:
        return report
    index = ThemeReportIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first()
        index = ThemeReportIndexPage(
            title=spec["index_title"],
            slug="theme-reports",
            intro="Theme reports as programme leads published them, for partners.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    ThemeReportPage.publish_from_report(
        parent=index,
        title=spec["title"],
        segment_filter={"round_number": spec["round"]},
        include_quotes=True,
        user=lead,
        summary=spec["summary"],
    )
    return report
