"""Factories for the models that most tests need."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from engagement.models import Membership, Organisation, Place, SubRegion, User
from engagement.roles import Role, assign_roles


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save()
            assign_roles(self, extracted or [Role.RESIDENT])


class SubRegionFactory(DjangoModelFactory):
    class Meta:
        model = SubRegion
        django_get_or_create = ("key",)

    key = "liverpool-city-region"
    name = "Liverpool City Region"


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"place-{n}")
    name = factory.Sequence(lambda n: f"Place {n}")
    ons_code = factory.Sequence(lambda n: f"E0{n:07d}")
    sub_region = factory.SubFactory(SubRegionFactory)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Trust {n}")
    kind = Organisation.Kind.VCFSE
    place = factory.SubFactory(PlaceFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, roles=[Role.PARTNER])
    organisation = factory.SubFactory(OrganisationFactory)


def partner_of(organisation, **kwargs) -> User:
    user = UserFactory(roles=[Role.PARTNER], **kwargs)
    MembershipFactory(user=user, organisation=organisation)
    return user


class FocusGroupFactory(DjangoModelFactory):
    """A published session a week away, with ten public places."""

    class Meta:
        model = "engagement.FocusGroup"

    organisation = factory.SubFactory(OrganisationFactory)
    audience = "residents"
    title = factory.Sequence(lambda n: f"Living with a health condition and working {n}")
    description = "A friendly conversation about what helps and what gets in the way."
    topics = factory.LazyFunction(lambda: ["What helps you stay in work?"])
    place = factory.SelfAttribute("organisation.place")
    mode = "in-person"
    venue_name = "Community Hall"
    venue_address = "1 Example Street\nLiverpool\nL1 1AA"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
    reserved_places = 0
    status = "published"


def make_consents():
    """The current consent statements every sign-up points at."""
    from engagement.models import ConsentStatement

    for purpose in ConsentStatement.Purpose.values:
        ConsentStatement.objects.get_or_create(
            purpose=purpose,
            version=1,
            defaults={"text": f"I agree ({purpose}).", "is_current": True},
        )


def sign_up(focus_group, n=0, **overrides):
    """Sign someone up through the service, as the public form does."""
    from engagement.services.registrations import SignUp, registration_create

    fields = {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "consent_take_part": True,
        **overrides,
    }
    return registration_create(focus_group=focus_group, sign_up=SignUp(**fields))[0]


def make_survey_page(**overrides):
    """A live survey under the home page: one analysed free-text question, one choice."""
    from pages.models import HomePage
    from pages.surveys import SurveyFormField, SurveyPage

    make_consents()
    home = HomePage.objects.first()
    page = SurveyPage(
        title=overrides.pop("title", "Work and health survey"),
        slug=overrides.pop("slug", "work-and-health-survey"),
        **overrides,
    )
    home.add_child(instance=page)
    SurveyFormField.objects.create(
        page=page,
        sort_order=1,
        label="What would help you find or stay in work?",
        field_type="multiline",
        required=True,
        analyse=True,
    )
    SurveyFormField.objects.create(
        page=page,
        sort_order=2,
        label="Are you in work now?",
        field_type="radio",
        choices="Yes\nNo",
        required=False,
    )
    page.save_revision().publish()
    return page


def make_roundtable(questions=("What gets in the way?", "What would help?")):
    import datetime

    from engagement.models import RoundtableEvent, RoundtableSeries, RoundtableTable

    series = RoundtableSeries.objects.create(title="Context mapping")
    for position, text in enumerate(questions, start=1):
        series.questions.create(position=position, text=text)
    event = RoundtableEvent.objects.create(
        series=series, round_number=1, held_on=datetime.date(2026, 3, 4), place=PlaceFactory()
    )
    table = RoundtableTable.objects.create(event=event, name="Table 1", participants={"health": 2})
    return table
