"""Loading the fictional demo content. Every loader is idempotent: rows are matched on a stable
key (slug, email, name) and left alone when present."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from engagement.models import AccessFeature, FocusGroup, Membership, Organisation, Place, User
from engagement.roles import Role, assign_roles
from engagement.services.focus_groups import focus_group_create, focus_group_publish
from engagement.services.reference import LoadReport, read_yaml
from pages.models import ContentPage, HomePage

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEMO_PASSWORD = "ehl-demo-password"  # noqa: S105 - documented demo accounts, never in production

_BLOCK_SHAPES = {"heading", "paragraph", "inset", "details", "call_to_action", "ways_to_take_part"}


def _stream(body: list[dict]) -> list[tuple[str, object]]:
    blocks = []
    for item in body:
        ((kind, value),) = item.items()
        if kind not in _BLOCK_SHAPES:
            raise ValueError(f"Unknown content block {kind!r} in pages.yaml")
        blocks.append((kind, value))
    return blocks


@transaction.atomic
def load_pages(directory: Path = CONTENT_DIR) -> LoadReport:
    report = LoadReport()
    data = read_yaml(directory / "pages.yaml")
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run `python manage.py migrate` first.")
    if not home.body:
        home.body = _stream(data["home"]["body"])
        home.save_revision().publish()
    for row in data["pages"]:
        exists = Page.objects.child_of(home).filter(slug=row["slug"]).exists()
        report.count("pages", not exists)
        if exists:
            continue
        page = ContentPage(
            title=row["title"],
            slug=row["slug"],
            lead=row.get("lead", ""),
            show_in_menus=row.get("show_in_menus", False),
            show_in_footer=row.get("show_in_footer", False),
            body=_stream(row["body"]),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return report


@transaction.atomic
def load_organisations(directory: Path = CONTENT_DIR) -> LoadReport:
    report = LoadReport()
    places = {place.key: place for place in Place.objects.all()}
    programme = read_yaml(directory / "programme.yaml")
    rows = [
        *read_yaml(directory / "organisations.yaml")["organisations"],
        *programme["organisations"],
        *({**row, "kind": "employer"} for row in programme["employers"]),
    ]
    for row in rows:
        _, created = Organisation.objects.get_or_create(
            slug=row["key"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "place": places.get(row.get("place")),
                "website": row.get("website", ""),
            },
        )
        report.count("organisations", created)
    return report


_ROLE_BY_KEY = {
    "resident": Role.RESIDENT,
    "partner": Role.PARTNER,
    "associate": Role.ASSOCIATE,
    "lead": Role.LEAD,
    "admin": Role.ADMIN,
}


@transaction.atomic
def load_people(directory: Path = CONTENT_DIR, password: str = DEMO_PASSWORD) -> LoadReport:
    from allauth.account.models import EmailAddress

    report = LoadReport()
    organisations = {org.slug: org for org in Organisation.objects.all()}
    rows = [
        *read_yaml(directory / "people.yaml")["people"],
        *read_yaml(directory / "programme.yaml")["people"],
    ]
    for row in rows:
        email = row["email"].lower()
        user = User.objects.filter(email=email).first()
        report.count("people", user is None)
        if user is not None:
            continue
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=row.get("first_name", ""),
            last_name=row.get("last_name", ""),
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        assign_roles(user, [_ROLE_BY_KEY[row["role"]]])
        organisation = organisations.get(row.get("organisation") or "")
        if organisation is not None:
            Membership.objects.create(
                user=user,
                organisation=organisation,
                level=Membership.Level.MANAGER
                if row["role"] == "partner" and not organisation.memberships.exists()
                else Membership.Level.MEMBER,
            )
    return report


@transaction.atomic
def load_sessions(directory: Path = CONTENT_DIR, today=None) -> LoadReport:
    """Create and publish the demo focus groups, dated relative to `today` so the demo always
    has upcoming sessions. The first partner of the host organisation is recorded as creator."""
    report = LoadReport()
    today = today or timezone.localdate()
    places = {place.key: place for place in Place.objects.all()}
    features = {feature.key: feature for feature in AccessFeature.objects.all()}
    for row in read_yaml(directory / "sessions.yaml")["sessions"]:
        organisation = Organisation.objects.get(slug=row["host"])
        exists = FocusGroup.objects.filter(organisation=organisation, title=row["title"]).exists()
        report.count("sessions", not exists)
        if exists:
            continue
        hour, minute = (int(part) for part in row["start_time"].split(":"))
        day = today + timedelta(days=row["starts_in_days"])
        starts_at = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        host = User.objects.filter(memberships__organisation=organisation).order_by("pk").first()
        focus_group = focus_group_create(
            organisation=organisation,
            actor=host,
            access_features=[features[key] for key in row.get("access_features", [])],
            facilitators=[host] if host else [],
            audience=row["audience"],
            title=row["title"],
            description=row["description"],
            topics=row.get("topics", []),
            place=places[row["place"]],
            mode=row["mode"],
            venue_name=row.get("venue_name", ""),
            venue_address=row.get("venue_address", ""),
            joining_details=row.get("joining_details", ""),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=row["duration_minutes"]),
            capacity=row["capacity"],
            reserved_places=row.get("reserved_places", 0),
            signup_deadline=starts_at - timedelta(days=1),
        )
        focus_group_publish(focus_group=focus_group, actor=host)
    return report
