"""Codebook governance services: every action is versioned, merges and splits move codes
without breaking one-code-per-theme, and the starter codebook is version 1."""

import pytest
from django.core.management import call_command

from engagement.models import AuditEvent
from insights.models import (
    Code,
    CodebookChange,
    CodebookVersion,
    CodeEvent,
    CoreQuestion,
    SampleCoding,
    Theme,
)
from insights.services.codebook import (
    CodebookError,
    codebook_current_version,
    theme_approve,
    theme_create,
    theme_edit,
    theme_reject,
    theme_rename,
    theme_retire,
    unique_theme_key,
)
from insights.services.codebook_queries import describe_change, theme_history, themes_tree
from insights.services.codebook_restructure import SplitPart, theme_merge, theme_split

from .codebook_support import code, make_segments, make_theme

pytestmark = pytest.mark.django_db

Status = Theme.Status


def _latest():
    return CodebookVersion.objects.order_by("-number").first()


def _keys(version):
    return [row["key"] for row in version.snapshot]


def test_loading_reference_data_leaves_version_one_with_the_starter_codebook(reference_data):
    version = codebook_current_version()
    assert version.number == 1
    approved = set(Theme.objects.filter(status=Status.APPROVED).values_list("key", flat=True))
    assert set(_keys(version)) == approved and "mental-health" in approved
    row = next(r for r in version.snapshot if r["key"] == "mental-health")
    assert row["parent"] == "health-conditions" and row["status"] == "approved"
    assert row["definition"] and row["include"] and row["exclude"]
    # Parents come before their children in a snapshot.
    positions = {r["key"]: i for i, r in enumerate(version.snapshot)}
    assert all(
        positions[r["parent"]] < positions[r["key"]] for r in version.snapshot if r["parent"]
    )
    # Loading again keeps everything, and makes no new version.
    call_command("load_reference_data", verbosity=0)
    assert CodebookVersion.objects.count() == 1


def test_current_version_is_created_once_on_an_empty_install(db):
    first = codebook_current_version()
    assert first.number == 1 and first.snapshot == []
    assert codebook_current_version().pk == first.pk


def test_a_lead_adds_a_theme_as_a_person_and_a_new_version_lists_it(lead, reference_data):
    question = CoreQuestion.objects.order_by("number").first()
    parent = Theme.objects.get(key="life-circumstances")
    theme = theme_create(
        lead,
        label="Digital appointment systems",
        kind=Theme.Kind.SYSTEM,
        definition="Online-only booking shuts people out of support.",
        parent=parent,
        key_phrases=["online booking", " app ", "online booking", ""],
        examples=["You can only book on the app."],
        core_questions=[question],
    )
    assert theme.key == "digital-appointment-systems"
    assert theme.origin == Theme.Origin.PERSON and theme.status == Status.APPROVED
    assert theme.key_phrases == ["online booking", "app"]
    version = _latest()
    assert version.number == 2 and theme.key in _keys(version)
    row = next(r for r in version.snapshot if r["key"] == theme.key)
    assert row["parent"] == "life-circumstances" and row["core_questions"] == [question.number]
    change = version.changes.get()
    assert change.action == "create" and change.actor == lead and change.theme == theme
    assert AuditEvent.objects.filter(action="codebook.create", actor=lead).exists()
    assert describe_change(change) == "Added “Digital appointment systems”"


def test_keys_are_unique_and_never_clash_with_the_add_page(db):
    make_theme("Bus fares", key="bus-fares")
    assert unique_theme_key("Bus fares") == "bus-fares-2"
    assert unique_theme_key("Add") == "add-2"
    assert unique_theme_key("!!!") == "theme"


def test_editing_records_the_fields_that_changed_and_nothing_when_nothing_did(lead, db):
    theme = make_theme("Transport")
    changed = theme_edit(
        lead,
        theme,
        {
            "definition": "  Buses and trains.\r\nAnd lifts. ",
            "key_phrases": ["bus"],
            "kind": "barrier",
        },
    )
    assert changed == ["definition", "key_phrases"]
    theme.refresh_from_db()
    assert theme.definition == "Buses and trains.\nAnd lifts."
    assert _latest().changes.get().detail["fields"] == ["definition", "key_phrases"]
    before = CodebookVersion.objects.count()
    assert theme_edit(lead, theme, {"definition": "Buses and trains.\nAnd lifts."}) == []
    assert CodebookVersion.objects.count() == before
    with pytest.raises(CodebookError):
        theme_edit(lead, theme, {"label": "Sneaky rename"})


def test_the_tree_is_two_levels_deep(lead, db):
    top = make_theme("Money")
    child = make_theme("Debt", parent=top)
    other = make_theme("Housing")
    with pytest.raises(CodebookError, match="sub-theme"):
        theme_edit(lead, other, {"parent": child})
    with pytest.raises(CodebookError, match="sub-themes of its own"):
        theme_edit(lead, top, {"parent": other})
    with pytest.raises(CodebookError, match="approved"):
        theme_edit(lead, other, {"parent": make_theme("Idea", status=Status.CANDIDATE)})
    assert theme_edit(lead, other, {"parent": top}) == ["parent"]


def test_rename_keeps_the_key_and_says_what_it_was(lead, db):
    theme = make_theme("Transport")
    theme = theme_rename(lead, theme, "  Transport and travel ")
    assert theme.label == "Transport and travel" and theme.key == "transport"
    change = _latest().changes.get()
    assert describe_change(change) == "Renamed “Transport” to “Transport and travel”"
    with pytest.raises(CodebookError):
        theme_rename(lead, theme, "Transport and travel")


def test_retire_takes_an_approved_theme_out_of_the_snapshot(lead, db):
    parent = make_theme("Money")
    child = make_theme("Debt", parent=parent)
    with pytest.raises(CodebookError, match="sub-themes"):
        theme_retire(lead, parent)
    theme_retire(lead, child)
    assert "debt" not in _keys(_latest()) and "money" in _keys(_latest())
    with pytest.raises(CodebookError):
        theme_retire(lead, child)


def test_approve_needs_a_definition_and_puts_the_candidate_under_a_parent(lead, db):
    parent = make_theme("Life circumstances")
    candidate = make_theme("bus, fare", status=Status.CANDIDATE, definition="")
    with pytest.raises(CodebookError, match="definition"):
        theme_approve(lead, candidate)
    assert Theme.objects.get(pk=candidate.pk).status == Status.CANDIDATE
    theme = theme_approve(
        lead, candidate, parent=parent, label="Bus fares", definition="Fares cost too much."
    )
    assert theme.status == Status.APPROVED and theme.parent == parent
    assert theme.key in _keys(_latest())
    with pytest.raises(CodebookError, match="Only candidates"):
        theme_approve(lead, theme)


def test_reject_retires_a_candidate_and_never_an_approved_theme(lead, db):
    candidate = make_theme("Noise", status=Status.CANDIDATE)
    theme_reject(lead, candidate)
    assert Theme.objects.get(pk=candidate.pk).status == Status.RETIRED
    assert _latest().changes.get().action == "reject"
    with pytest.raises(CodebookError):
        theme_reject(lead, make_theme("Transport"))


def test_merge_moves_codes_keeps_one_code_per_segment_and_keeps_history(lead, associate, db):
    source = make_theme("Bus fares", status=Status.CANDIDATE)
    target = make_theme("Transport")
    a, b, c = make_segments(["one bus", "two buses", "three buses"])
    moved = code(a, source, status=Code.Status.ACCEPTED, decided_by=associate)
    # b has both: a suggestion on the target and a person's acceptance on the source.
    code(b, target, status=Code.Status.SUGGESTED, origin=Code.Origin.RULE)
    accepted_b = code(b, source, status=Code.Status.ACCEPTED, decided_by=associate)
    CodeEvent.objects.create(
        code=accepted_b, action="accept", to_status="accepted", actor=associate
    )
    # c has both, and the target's acceptance beats the source's rejection.
    code(c, target, status=Code.Status.ACCEPTED)
    code(c, source, status=Code.Status.REJECTED)
    sample_coding = SampleCoding.objects.create(
        sample=_sample(lead, associate, [a]), coder=associate, segment=a
    )
    sample_coding.themes.add(source)

    theme_merge(lead, source, target)

    source.refresh_from_db()
    assert source.status == Status.RETIRED and source.merged_into == target
    assert not Code.objects.filter(theme=source).exists()
    codes = {c.segment_id: c for c in Code.objects.filter(theme=target)}
    assert set(codes) == {a.pk, b.pk, c.pk}
    assert codes[a.pk].pk == moved.pk and codes[a.pk].status == "accepted"
    assert codes[b.pk].status == "accepted" and codes[b.pk].decided_by == associate
    assert codes[c.pk].status == "accepted"
    # The accepted code's history followed it onto the surviving code.
    assert codes[b.pk].events.filter(action="accept").exists()
    assert codes[b.pk].events.filter(action="merge").exists()
    assert list(sample_coding.themes.all()) == [target]
    change = _latest().changes.get()
    assert change.detail["codes_moved"] == 1 and change.detail["codes_combined"] == 2
    assert describe_change(change) == "Merged “Bus fares” into “Transport”"
    assert change in theme_history(target)


def _sample(lead, associate, segments):
    from insights.models import DoubleCodingSample

    sample = DoubleCodingSample.objects.create(
        name="Sample", coder_a=lead, coder_b=associate, created_by=lead
    )
    sample.segments.set(segments)
    return sample


def test_merge_moves_sub_themes_and_refuses_odd_targets(lead, db):
    source = make_theme("Money worries")
    child = make_theme("Debt", parent=source)
    target = make_theme("Finances")
    sub_target = make_theme("Benefits", parent=target)
    with pytest.raises(CodebookError, match="sub-theme itself"):
        theme_merge(lead, source, sub_target)
    with pytest.raises(CodebookError, match="cannot be merged"):
        theme_merge(lead, source, child)
    with pytest.raises(CodebookError, match="cannot be merged"):
        theme_merge(lead, source, source)
    theme_merge(lead, source, target)
    child.refresh_from_db()
    assert child.parent == target
    with pytest.raises(CodebookError, match="retired"):
        theme_merge(lead, source, target)


def test_split_shares_out_quotes_and_codes_and_retires_the_original(lead, associate, db):
    theme = make_theme("Getting there", status=Status.CANDIDATE, key_terms=["bus", "car"])
    bus, car, other = make_segments(["the bus is late", "no car", "something else"])
    theme.representative_segments.set([bus, car])
    code(bus, theme, status=Code.Status.ACCEPTED, decided_by=associate)
    code(other, theme, status=Code.Status.ACCEPTED, decided_by=associate)
    created = theme_split(
        lead,
        theme,
        [
            SplitPart("Buses", "Bus services.", [bus.pk]),
            SplitPart("Cars", "", [car.pk]),
        ],
    )
    buses, cars = created
    assert [t.status for t in created] == [Status.CANDIDATE, Status.CANDIDATE]
    assert list(buses.representative_segments.all()) == [bus]
    assert list(cars.representative_segments.all()) == [car]
    assert cars.definition == theme.definition and buses.key_terms == ["bus", "car"]
    assert Code.objects.get(segment=bus).theme == buses
    leftover = Code.objects.get(segment=other)
    # Nobody said where the other segment belongs: back to a suggestion on the first theme.
    assert leftover.theme == buses and leftover.status == "suggested"
    assert leftover.events.get().from_status == "accepted"
    theme.refresh_from_db()
    assert theme.status == Status.RETIRED
    change = _latest().changes.get()
    assert describe_change(change) == "Split “Getting there” into “Buses” and “Cars”"
    assert change in theme_history(cars)


def test_split_refuses_bad_parts(lead, db):
    theme = make_theme("Getting there")
    (segment,) = make_segments(["bus"])
    with pytest.raises(CodebookError, match="at least two"):
        theme_split(lead, theme, [SplitPart("Only one")])
    with pytest.raises(CodebookError, match="different name"):
        theme_split(lead, theme, [SplitPart("Same"), SplitPart("same")])
    with pytest.raises(CodebookError, match="one new theme only"):
        theme_split(
            lead, theme, [SplitPart("A", "", [segment.pk]), SplitPart("B", "", [segment.pk])]
        )
    assert Theme.objects.get(pk=theme.pk).status == Status.APPROVED
    approved = theme_split(lead, theme, [SplitPart("A"), SplitPart("B")], approve=True)
    assert {t.status for t in approved} == {Status.APPROVED}
    assert {"a", "b"} <= set(_keys(_latest())) and "getting-there" not in _keys(_latest())


def test_every_action_makes_exactly_one_new_version(lead, db):
    theme = make_theme("Transport")
    candidate = make_theme("Idea", status=Status.CANDIDATE)
    other = make_theme("Other idea", status=Status.CANDIDATE)
    actions = [
        lambda: theme_create(lead, label="New", kind="barrier", definition="New."),
        lambda: theme_edit(lead, theme, {"definition": "Changed."}),
        lambda: theme_rename(lead, theme, "Travel"),
        lambda: theme_approve(lead, candidate),
        lambda: theme_merge(lead, candidate, theme),
        lambda: theme_split(lead, other, [SplitPart("X"), SplitPart("Y")]),
        lambda: theme_reject(lead, Theme.objects.get(key="x")),
        lambda: theme_retire(lead, theme),
    ]
    for n, action in enumerate(actions, start=1):
        action()
        assert CodebookVersion.objects.count() == n
        assert CodebookChange.objects.filter(version=_latest()).count() == 1
    assert [v.number for v in CodebookVersion.objects.order_by("number")] == list(range(1, 9))


def test_a_refused_action_changes_nothing(lead, db):
    candidate = make_theme("Idea", status=Status.CANDIDATE, definition="")
    with pytest.raises(CodebookError):
        theme_approve(lead, candidate, label="Renamed on the way")
    assert Theme.objects.get(pk=candidate.pk).label == "Idea"
    assert not CodebookVersion.objects.exists()


def test_tree_filters_by_status_and_keeps_parents_of_matching_children(db):
    parent = make_theme("Money")
    make_theme("Debt", parent=parent)
    make_theme("Loans", parent=parent, status=Status.CANDIDATE)
    make_theme("Noise", status=Status.CANDIDATE)
    candidates = themes_tree(Status.CANDIDATE)
    assert [t.label for t in candidates] == ["Money", "Noise"]
    assert [c.label for c in candidates[0].tree_children] == ["Loans"]
    everything = themes_tree(None)
    assert sorted(c.label for c in everything[0].tree_children) == ["Debt", "Loans"]


def test_an_approved_theme_merges_into_approved_themes_only(lead, db):
    theme = make_theme("Transport")
    candidate = make_theme("Bus idea", status=Status.CANDIDATE)
    other = make_theme("Other idea", status=Status.CANDIDATE)
    with pytest.raises(CodebookError, match="cannot be merged"):
        theme_merge(lead, theme, candidate)
    theme_merge(lead, candidate, other)
    assert Theme.objects.get(pk=candidate.pk).merged_into == other
