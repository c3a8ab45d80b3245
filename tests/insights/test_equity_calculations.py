"""Equity audit: representation ratios and intervals against hand-worked numbers, uploads."""

import datetime
import math
import random

import pytest

from insights.models import CensusReference, ClientExtract
from insights.services.equity import compare, representation_ratio, wilson_interval
from insights.services.equity_io import (
    EquityUploadError,
    parse_census,
    parse_extract,
    save_census,
    save_extract,
)


def test_katz_interval_worked_by_hand():
    # 20 of 100 participants are in the group; 3,000 of 10,000 residents are.
    # RR = 0.20 / 0.30 = 0.6667
    # SE = sqrt(1/20 - 1/100 + 1/3000 - 1/10000) = sqrt(0.0402333) = 0.200583
    # CI = 0.6667 × exp(±1.96 × 0.200583) = 0.6667 ÷ 1.48167 … 0.6667 × 1.48167
    result = representation_ratio(20, 100, 3000, 10000)
    assert result.ratio == pytest.approx(0.666667, abs=1e-6)
    assert result.lower == pytest.approx(0.44995, abs=1e-4)
    assert result.upper == pytest.approx(0.98778, abs=1e-4)
    assert result.under_represented  # the whole interval is below 1


def test_represented_in_proportion_is_not_flagged():
    # 30 of 100 against 3,000 of 10,000: RR = 1, SE = sqrt(1/30 - 1/100 + 1/3000 - 1/10000)
    result = representation_ratio(30, 100, 3000, 10000)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 3000 - 1 / 10000)
    assert result.ratio == pytest.approx(1.0)
    assert result.lower == pytest.approx(math.exp(-1.959964 * se), abs=1e-6)
    assert result.upper == pytest.approx(math.exp(1.959964 * se), abs=1e-6)
    assert not result.under_represented


def test_no_participants_in_a_group_uses_the_wilson_upper_bound():
    # Wilson upper bound for 0 of 50: z² / (n + z²) = 3.8415 / 53.8415 = 0.071348
    assert wilson_interval(0, 50)[1] == pytest.approx(0.071348, abs=1e-5)
    result = representation_ratio(0, 50, 2000, 10000)
    assert (result.ratio, result.lower) == (0.0, 0.0)
    assert result.upper == pytest.approx(0.071348 / 0.2, abs=1e-4)
    assert result.under_represented
    assert representation_ratio(5, 50, 0, 10000) is None


def rows(place, dimension, counts):
    return [
        {"place": place, "dimension": dimension, "group": g, "count": n} for g, n in counts.items()
    ]


def test_comparison_suppresses_small_counts_and_what_would_reveal_them():
    participants = rows("halton", "sex", {"female": 60, "male": 3})
    population = rows("halton", "sex", {"female": 5100, "male": 4900})
    result = compare(participants, population, "sex")
    female, male = result.rows
    assert male.participants.text == "fewer than 5"
    assert male.ratio is None and male.participant_share is None
    # With the total shown, hiding only "male" would let 63 - 60 give it away: female is hidden
    # too (secondary suppression), so no ratio is shown for either group.
    assert female.participants.status == "secondary"
    assert female.ratio is None
    assert female.population_share == pytest.approx(0.51)


def test_comparison_flags_under_represented_groups_in_one_place():
    participants = rows("halton", "age_band", {"16-24": 10, "25-34": 40, "35-49": 50}) + rows(
        "wirral", "age_band", {"16-24": 90}
    )
    population = rows("halton", "age_band", {"16-24": 3000, "25-34": 3000, "35-49": 4000}) + rows(
        "wirral", "age_band", {"16-24": 100}
    )
    result = compare(participants, population, "age_band", place="halton")
    by_group = {row.group: row for row in result.rows}
    assert result.participants_total.value == 100 and result.population_total == 10000
    young = by_group["16-24"]
    # 10/100 ÷ 3000/10000 = 0.3333, SE = sqrt(1/10 - 1/100 + 1/3000 - 1/10000) = 0.300389
    assert young.ratio.ratio == pytest.approx(1 / 3)
    assert young.ratio.upper == pytest.approx((1 / 3) * math.exp(1.959964 * 0.300389), abs=1e-4)
    assert [row.group for row in result.under_represented] == ["16-24"]
    assert by_group["35-49"].ratio.ratio == pytest.approx(1.25)


CENSUS_OK = b"place,dimension,group,count\nHalton,sex,Female,5100\nE06000006,sex,male,4900\n"


def test_census_upload_matches_places_and_groups_by_name_code_or_key(db, reference_data, lead):
    counts = parse_census(CENSUS_OK)
    assert counts == [
        {"place": "halton", "dimension": "sex", "group": "female", "count": 5100},
        {"place": "halton", "dimension": "sex", "group": "male", "count": 4900},
    ]
    saved = save_census(lead, "Census 2021", "ONS", CENSUS_OK)
    assert saved.counts == counts and saved.uploaded_by == lead


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"place,dimension,count\nHalton,sex,5\n", "missing the column group"),
        (b"place,dimension,group,count\nHalton,sex,female,lots\n", "Row 2, column count"),
        (b"place,dimension,group,count\nAtlantis,sex,female,5\n", "“Atlantis” is not a Place"),
        (b"place,dimension,group,count\nHalton,shoe size,9,5\n", "Row 2, column dimension"),
        (b"place,dimension,group,count\nHalton,sex,other,5\n", "Row 2, column group"),
        (b"place,dimension,group,count\n", "no data rows"),
        (b"\xff\xfe\x00", "UTF-8"),
        (
            b"place,dimension,group,count\nHalton,sex,female,5\nHalton,sex,female,6\n",
            "Row 3 repeats row 2",
        ),
    ],
)
def test_bad_census_files_say_what_is_wrong_and_save_nothing(
    db, reference_data, lead, content, message
):
    with pytest.raises(EquityUploadError) as error:
        save_census(lead, "Bad", "", content)
    assert any(message in problem for problem in error.value.problems)
    assert not CensusReference.objects.exists()


def test_every_problem_in_a_file_is_reported_at_once(db, reference_data):
    content = b"place,dimension,group,count\nNowhere,sex,female,1\nHalton,sex,female,-3\n"
    with pytest.raises(EquityUploadError) as error:
        parse_census(content)
    assert len(error.value.problems) == 2


def test_extract_is_reduced_to_counts(db, reference_data, lead):
    content = b"place,age_band,sex,other\nHalton,16-24,female,x\nWirral,,male,y\nHalton,16-24,,z\n"
    extract = parse_extract(content)
    assert extract.clients == 3 and not extract.has_outcome
    assert {"place": "halton", "dimension": "age_band", "group": "16-24", "count": 2} in (
        extract.counts
    )
    saved = save_extract(lead, "Service A", content)
    assert saved.clients == 3 and saved.model == {}
    assert "other" not in str(saved.counts)  # unknown columns are dropped


def test_bad_extract_saves_nothing(db, reference_data, lead):
    with pytest.raises(EquityUploadError) as error:
        save_extract(lead, "Bad", b"name,postcode\nA,B\n")
    assert "needs a place column" in error.value.problems[0]
    with pytest.raises(EquityUploadError) as error:
        save_extract(lead, "Bad", b"place,sex,outcome\nHalton,female,maybe\n")
    assert "Row 2, column outcome" in error.value.problems[0]
    assert not ClientExtract.objects.exists()


def test_outcome_model_finds_a_real_difference(db, reference_data, lead):
    rng = random.Random(3)
    lines = ["place,sex,age_band,outcome"]
    for i in range(400):
        sex = "female" if i % 2 else "male"
        age = "16-24" if i % 3 else "50-64"
        chance = 0.6 if sex == "female" else 0.3
        lines.append(f"Halton,{sex},{age},{1 if rng.random() < chance else 0}")
    saved = save_extract(lead, "With outcomes", "\n".join(lines).encode())
    terms = {term["group"]: term for term in saved.model["terms"]}
    assert saved.model["n"] == 400
    # Reference groups are the most common: female (200 vs 200: first seen) and 16-24.
    sex_term = terms.get("Male") or terms.get("Female")
    assert sex_term["lower"] < sex_term["odds_ratio"] < sex_term["upper"]
    # Men's odds of success are clearly lower than women's (0.3 vs 0.6 → OR about 0.29).
    if "Male" in terms:
        assert sex_term["upper"] < 1
    else:
        assert sex_term["lower"] > 1
    assert saved.model["caveats"]


def test_outcome_model_declines_too_few_clients(db, reference_data, lead):
    saved = save_extract(lead, "Tiny", b"place,sex,outcome\nHalton,female,1\nHalton,male,0\n")
    assert "Too few clients" in saved.model["error"]


def test_the_equity_page_opens_on_the_latest_reference_against_participants(
    client, db, reference_data, lead
):
    from engagement.models import Place, SurveyDemographics
    from pages.models import HomePage

    assert "Upload a census reference" in client_get(client, lead, "/work/decisions/equity/")
    halton = Place.objects.get(key="halton")
    save_census(lead, "Older census", "ONS", CENSUS_OK)
    ages = b"place,dimension,group,count\nHalton,age_band,16-24,3000\nHalton,age_band,50-64,3000\n"
    save_census(lead, "Newest census", "ONS", ages)
    home = HomePage.objects.first()
    for band in ["50-64"] * 12 + ["16-24"] * 2:
        SurveyDemographics.objects.create(
            page=home, month=datetime.date(2026, 5, 1), age_band=band, place=halton
        )
    html = client_get(client, lead, "/work/decisions/equity/")
    assert "Newest census" in html and "under-represented" in html.lower()


def client_get(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()
