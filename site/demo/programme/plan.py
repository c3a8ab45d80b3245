"""The demo programme as a plan: who said what, where and when, decided before anything is saved.

The plan is pure Python (no Django) and deterministic: the same `programme.yaml`, seed and day
give the same plan, so a second load (or a load that stopped half way) can tell which of its
records exist already, and people's codes can be matched back to the texts they were about.
The records it is made of are in `records.py`."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from demo.voices import Voices

from .records import (
    ConversationPlan,
    EmployerPlan,
    FocusGroupPlan,
    NotePlan,
    ProgrammePlan,
    RegistrationPlan,
    RoundtableEventPlan,
    Said,
    SurveyResponsePlan,
    TablePlan,
    TranscriptPlan,
    TurnPlan,
)

VOICE_OF_GROUP = {
    "resident": "resident",
    "employer": "employer",
    "health": "service",
    "employment-support": "service",
    "vcfse": "service",
    "policy": "service",
    "academia": "service",
    "service": "service",
}
CONVERSATION_FIELDS = ("onset_notes", "effect_on_work", "effect_on_home", "what_would_help")


class Planner:
    """Turns `programme.yaml` into a `ProgrammePlan` for loading on `today`."""

    def __init__(self, config: dict, *, today: date, theme_kinds: dict[str, str]):
        self.config = config
        self.today = today
        self.kinds = theme_kinds
        self.rng = random.Random(config["seed"])
        self.voices = Voices(seed=config["seed"])
        self.places = list(config["place_weights"])
        self.rounds = {
            r["number"]: (today + timedelta(days=r["starts"]), today + timedelta(days=r["ends"]))
            for r in config["rounds"]
        }

    # -- drawing --------------------------------------------------------------------------------
    def _pick(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[float(weights[k]) for k in keys])[0]

    def _place(self) -> str:
        return self._pick(self.config["place_weights"])

    def _day(self, round_number: int) -> date:
        start, end = self.rounds[round_number]
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def theme_weights(
        self, voice: str, kind: str, place: str, round_number: int, cohort: str | None
    ) -> dict[str, float]:
        """How likely each theme is for this voice, question, Place, round and cohort."""
        config = self.config
        weights = {k: float(v) for k, v in config["themes"][voice][kind].items()}
        for theme, factor in config["place_emphasis"].get(place, {}).items():
            if theme in weights:
                weights[theme] *= factor
        if round_number == 2:
            shifts = dict(config["round_two_everywhere"])
            if place in config["hub_places"]:
                shifts.update(config["round_two_in_hub_places"])
            for theme, factor in shifts.items():
                if theme in weights:
                    weights[theme] *= factor
        for theme, factor in config["cohort_emphasis"].get(cohort or "", {}).items():
            if theme in weights:
                weights[theme] *= factor
        return weights

    def themes(self, voice, kind, place, round_number, cohort, n: int) -> list[str]:
        weights = self.theme_weights(voice, kind, place, round_number, cohort)
        chosen: list[str] = []
        while len(chosen) < n and weights:
            theme = self._pick(weights)
            chosen.append(theme)
            weights.pop(theme)
        return chosen

    def sentences(self, voice, kind, place, round_number, cohort, n: int) -> list[Said]:
        return [
            self.sentence(theme, voice, place, round_number, cohort)
            for theme in self.themes(voice, kind, place, round_number, cohort, n)
        ]

    def sentence(self, theme, voice, place, round_number, cohort) -> Said:
        # Round-two wording tells of the hubs and the first-aid training: heard only where
        # those changes happened.
        changed = place in self.config["hub_places"] or theme in self.config["round_two_everywhere"]
        text = self.voices.sentence(
            theme=theme,
            voice=voice,
            place=place,
            round_number=round_number if changed else 1,
            cohort=cohort,
        )
        return Said(text, (theme,) if theme in self.kinds else ())

    def aside(self, voice: str, place: str) -> Said:
        return Said(self.voices.aside(voice=voice, place=place))

    def _answer(self, voice, kind, place, round_number, cohort, *, two=0.3, aside=0.2):
        n = 2 if self.rng.random() < two else 1
        parts = self.sentences(voice, kind, place, round_number, cohort, n)
        if self.rng.random() < aside:
            parts.insert(0 if self.rng.random() < 0.5 else len(parts), self.aside(voice, place))
        return parts

    def _cohort(self) -> str | None:
        cohort = self._pick(self.config["cohort_weights"])
        return None if cohort == "none" else cohort

    def _person(self, taken: set[str]) -> tuple[str, str]:
        while True:
            names = self.config["people_names"]
            first, last = self.rng.choice(names["first"]), self.rng.choice(names["last"])
            name = f"{first} {last}"
            if name not in taken:
                taken.add(name)
                slug = f"{first}.{last}".lower()
                return name, f"{slug}.{self.rng.randint(10, 99)}@example.net"

    # -- the plan -------------------------------------------------------------------------------
    def plan(self) -> ProgrammePlan:
        return ProgrammePlan(
            rounds=self.config["rounds"],
            focus_groups=self.focus_groups(),
            surveys=self.surveys(),
            conversations=self.conversations(),
            employers=self.employer_engagements(),
            roundtable=self.roundtable_events(),
            transcripts=self.transcripts(),
        )

    def focus_groups(self) -> list[FocusGroupPlan]:
        spec = self.config["focus_groups"]
        towns = self.config["towns"]
        plans: list[FocusGroupPlan] = []
        used: set[str] = set()
        for round_number in sorted(self.rounds):
            sessions = [("residents", place) for place in self.places]
            sessions += [("residents", p) for p in spec["resident_extra_places"][round_number]]
            sessions += [("employers", p) for p in spec["employer_places"][round_number]]
            sessions += [("services", p) for p in spec["service_places"][round_number]]
            for index, (audience, place) in enumerate(sessions):
                titles = spec[f"{audience[:-1]}_titles"]
                for shift in range(len(titles) * len(towns[place])):
                    town = towns[place][(index + round_number + shift) % len(towns[place])]
                    base = titles[(index + round_number + shift // len(towns[place])) % len(titles)]
                    title = f"{base} in {town} (demo)"
                    if title not in used:
                        break
                used.add(title)
                starts = datetime.combine(
                    self._day(round_number), time(self.rng.choice([10, 13, 18]), 30)
                )
                plan = self._held_session(audience, place, town, title, starts, round_number)
                cancelled = spec["cancelled"]
                if (
                    round_number == cancelled["round"]
                    and place == cancelled["place"]
                    and audience == "residents"
                ):
                    # Called off before anyone signed up: nobody had to be told.
                    plan.cancelled_reason = cancelled["reason"]
                    plan.registrations, plan.claims = [], []
                plans.append(plan)
        plans.append(self._full_session())
        return plans

    def _description(self, audience: str, town: str) -> str:
        who = {
            "residents": "people living with a health condition",
            "employers": "owners and managers of local organisations",
            "services": "staff of health, employment, housing and advice services",
        }[audience]
        return (
            f"A friendly, small-group conversation in {town} for {who} about what makes work "
            "harder and what helps. Refreshments provided; travel costs can be covered."
        )

    def _held_session(self, audience, place, town, title, starts, round_number):
        spec = self.config["focus_groups"]
        capacity = self.rng.choice(spec["capacity"])
        taken: set[str] = set()
        registrations = []
        for _ in range(self.rng.randint(int(capacity * 0.6), capacity)):
            name, email = self._person(taken)
            group = audience != "residents" and self.rng.random() < 0.2
            registrations.append(
                RegistrationPlan(
                    name=name,
                    email=email,
                    signed_up=starts - timedelta(days=self.rng.randint(2, 20), hours=3),
                    places=2 if group else 1,
                    organisation_name="A local organisation (demo)" if group else "",
                    access_needs=self.rng.choice(
                        ["", "", "", "", "Step-free access please", "I use a hearing aid"]
                    ),
                    consent_record=self.rng.random() < 0.85,
                    attended=self.rng.random() < spec["attendance_rate"],
                )
            )
        claims = []
        for claim in self.rng.sample(spec["claims"], self.rng.randint(1, 3)):
            roll = self.rng.random()
            recent = round_number == max(self.rounds)
            state = (
                "submitted"
                if roll < (0.5 if recent else 0.1)
                else "rejected"
                if roll > 0.9
                else "approved"
            )
            reason = spec["rejected_reason"] if state == "rejected" else ""
            claims.append({**claim, "state": state, "reason": reason})
        return FocusGroupPlan(
            host=self.config["hosts"][place],
            audience=audience,
            title=title,
            description=self._description(audience, town),
            topics=["What gets in the way of work?", "What has helped?", "What would you change?"],
            place=place,
            town=town,
            starts_at=starts,
            minutes=90 if audience == "residents" else 120,
            capacity=capacity,
            round_number=round_number,
            registrations=registrations,
            cohorts=self.config["focus_groups"]["cohorts_by_place"].get(place, [])
            if audience == "residents"
            else [],
            claims=claims,
        )

    def _full_session(self) -> FocusGroupPlan:
        spec = self.config["focus_groups"]["full"]
        place = spec["place"]
        starts = datetime.combine(self.today + timedelta(days=17), time(10, 0))
        taken: set[str] = set()
        registrations = []
        for _ in range(spec["capacity"] + spec["waiting"]):
            name, email = self._person(taken)
            registrations.append(
                RegistrationPlan(name=name, email=email, signed_up=datetime.now(), attended=False)
            )
        return FocusGroupPlan(
            host=self.config["hosts"][place],
            audience="residents",
            title=f"{spec['title']} (demo)",
            description="A drop-in for carers who work or want to, about fitting work around "
            "caring and what employers and services could do differently.",
            topics=["How does caring shape the work you can do?", "What would make it easier?"],
            place=place,
            town=self.config["towns"][place][0],
            starts_at=starts,
            minutes=90,
            capacity=spec["capacity"],
            round_number=None,
            registrations=registrations,
            cohorts=["carers"],
        )

    def surveys(self) -> list[SurveyResponsePlan]:
        plans = []
        for key, spec in self.config["surveys"].items():
            voice = VOICE_OF_GROUP[spec.get("stakeholder_group", "resident")]
            kinds = [q["kind"] for q in spec["questions"] if "kind" in q]
            for n in range(spec["responses"]):
                round_number = 1 if n < spec["responses"] * 0.55 else 2
                place = self._place()
                cohort = self._cohort() if voice == "resident" else None
                answers = []
                for index, kind in enumerate(kinds):
                    answered = index == 0 or self.rng.random() < (0.8 if index == 1 else 0.6)
                    answers.append(
                        self._answer(voice, kind, place, round_number, cohort) if answered else []
                    )
                email = ""
                if self.rng.random() >= self.config["anonymous_share"]:
                    email = self._person(set())[1]
                plans.append(
                    SurveyResponsePlan(
                        survey=key,
                        day=self._day(round_number),
                        round_number=round_number,
                        place=place,
                        answers=answers,
                        paid_work=self.rng.choice(["Yes", "No", "No", "Sometimes", ""])
                        if voice == "resident"
                        else "",
                        email=email,
                        demographics=self._demographics(place)
                        if spec.get("demographics", True)
                        else {},
                        key=self._uuid(),
                    )
                )
        return plans

    def _demographics(self, place: str) -> dict:
        spec = self.config["demographics"]
        ethnicity = spec["ethnicity_in"].get(place, spec["ethnicity"])
        return {
            "age_band": self._pick(spec["age_band"]),
            "sex": self._pick(spec["sex"]),
            "ethnicity": self._pick(ethnicity),
            "disability": self._pick(spec["disability"]),
            "employment": self._pick(spec["employment"]),
            "place": place if self.rng.random() < 0.93 else "",
        }

    def conversations(self) -> list[ConversationPlan]:
        spec = self.config["conversations"]
        associates = [p["email"] for p in self.config["people"] if p["role"] == "associate"]
        associates.insert(0, "associate@example.org")
        plans = []
        for n in range(spec["count"]):
            round_number = 1 + n % 2
            place = self._place()
            group = self._pick(spec["groups"])
            voice = VOICE_OF_GROUP[group]
            cohort = self._cohort() if voice == "resident" else None
            conditions = []
            if voice == "resident":
                conditions = [self._pick(spec["conditions"])]
                if self.rng.random() < 0.35:
                    extra = self._pick(spec["conditions"])
                    conditions += [extra] if extra not in conditions else []

            def say(kind, **kw):
                return self._answer(voice, kind, place, round_number, cohort, **kw)  # noqa: B023

            fields = {
                "onset_notes": [self.aside(voice, place)] if voice == "resident" else [],
                "effect_on_work": say("barrier", two=0.45, aside=0),
                "effect_on_home": say("barrier", two=0.1, aside=0) if voice == "resident" else [],
                "what_would_help": say("help" if self.rng.random() < 0.6 else "change", aside=0),
            }
            plans.append(
                ConversationPlan(
                    associate=associates[n % len(associates)],
                    day=self._day(round_number),
                    place=place,
                    stakeholder_group=group,
                    cohorts=[cohort] if cohort else [],
                    conditions=conditions,
                    onset=self._pick(spec["onset"]) if voice == "resident" else "",
                    fields=fields,
                    follow_up=self.rng.random() < 0.2,
                )
            )
        return plans

    def employer_engagements(self) -> list[EmployerPlan]:
        spec = self.config["employer_engagement"]
        employers = self.config["employers"]
        plans = []
        for n in range(spec["count"]):
            employer = employers[n % len(employers)]
            round_number = 1 if n < spec["count"] / 2 else 2
            offered = self.rng.choice([0, 0, 4, 6, 8, 10, 12])
            booked = (
                min(offered, self.rng.randint(offered // 2, offered))
                if round_number == 2
                else self.rng.randint(0, offered // 2)
            )
            place = employer["place"]
            notes = self.sentences("employer", "barrier", place, round_number, None, 1)
            notes += self.sentences("employer", "help", place, round_number, None, 1)
            plans.append(
                EmployerPlan(
                    employer=employer["key"],
                    day=self._day(round_number),
                    place=place,
                    mhfa_offered=offered,
                    mhfa_booked=booked,
                    commitments=sorted(
                        self.rng.sample(spec["commitments"], self.rng.randint(0, 2))
                    ),
                    notes=notes,
                )
            )
        return plans

    def roundtable_events(self) -> list[RoundtableEventPlan]:
        spec = self.config["roundtables"]
        kinds = ["barrier", "help", "help"]
        events = []
        for event in spec["events"]:
            day = self.today + timedelta(days=event["day"])
            tables = []
            for table in spec["tables"]:
                notes = []
                if day < self.today:
                    for question, kind in enumerate(kinds[: len(spec["questions"])]):
                        for said in self.sentences(
                            "roundtable",
                            kind,
                            event["place"],
                            event["round"],
                            None,
                            spec["notes_per_question"],
                        ):
                            notes.append(
                                NotePlan(
                                    question=question,
                                    said=said,
                                    horizon=self.rng.choice(["short", "medium", "long", ""]),
                                    help_level=self.rng.choice(["limited", "extensive", "both"]),
                                    group=self.rng.choice([*table["participants"], "", ""]),
                                )
                            )
                tables.append(TablePlan(table["name"], dict(table["participants"]), notes))
            events.append(
                RoundtableEventPlan(
                    event["round"], day, event["place"], event.get("venue", ""), tables
                )
            )
        return events

    def transcripts(self) -> list[TranscriptPlan]:
        plans = []
        names = list(self.config["speaker_names"])
        for number, spec in enumerate(self.config["transcripts"], start=1):
            audience = spec.get("audience", "services" if spec["attach"] == "roundtable" else "")
            voice = {"residents": "resident", "employers": "employer", "services": "service"}.get(
                audience, "resident"
            )
            place = spec.get("place") or self._place()
            round_number = spec.get("round") or 1 + number % 2
            facilitator = self.config["facilitator_names"][number % 3]
            size = 2 if spec["attach"] == "conversation" else self.rng.randint(4, 6)
            speakers = self.rng.sample(names, size - 1)
            topics = ["barriers", "help", "employers", "services", "change"]
            turns = [
                TurnPlan(
                    facilitator,
                    True,
                    [Said(self.voices.question(voice="facilitator", topic="barriers"))],
                )
            ]
            last = facilitator
            while len(turns) < spec["turns"]:
                others = [s for s in speakers if s != last]
                if last != facilitator and (not others or self.rng.random() < 0.3):
                    topic = self.rng.choice(topics)
                    question = self.voices.question(voice="facilitator", topic=topic)
                    turns.append(TurnPlan(facilitator, True, [Said(question)]))
                    last = facilitator
                    continue
                speaker = self.rng.choice(others)
                if self.rng.random() < 0.12:
                    parts = [Said(self.voices.backchannel())]
                else:
                    kind = self.rng.choice(["barrier", "barrier", "help", "change"])
                    if voice == "service" and kind == "change":
                        kind = "help"
                    parts = self._answer(voice, kind, place, round_number, None, aside=0.15)
                    if self.rng.random() < 0.15 and last in speakers:
                        # People name each other: the redaction must catch it.
                        parts[0] = Said(
                            f"Like {last} said, {_lower_first(parts[0].text)}", parts[0].themes
                        )
                turns.append(TurnPlan(speaker, False, parts))
                last = speaker
            plans.append(
                TranscriptPlan(
                    title=_transcript_title(spec, number),
                    format=spec["format"],
                    attach=spec["attach"],
                    round_number=round_number,
                    place=place,
                    audience=audience,
                    table=spec.get("table", ""),
                    facilitators=[facilitator],
                    turns=turns,
                )
            )
        return plans


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text.startswith("I "):
        return text[0].lower() + text[1:]
    return text


def _transcript_title(spec: dict, number: int) -> str:
    what = {
        "focus-group": f"Focus group recording {number}",
        "roundtable": f"Roundtable discussion, {spec.get('table', 'a table')}",
        "conversation": "Recorded conversation",
    }[spec["attach"]]
    return f"{what} ({spec['format']}, demo)"
