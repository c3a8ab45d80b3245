"""`manage.py area_health`: two tidy files in, the models out, nothing saved."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insights.services.area_io import write_tidy

from .area_support import synthetic_areas


@pytest.fixture
def files(tmp_path):
    conditions, outcomes, _ = synthetic_areas(n_areas=300, seed=2)
    prevalence = tmp_path / "prevalence.csv"
    prevalence.write_text(write_tidy(conditions))
    outcome_file = tmp_path / "outcomes.csv"
    outcome_file.write_text(write_tidy(outcomes))
    return prevalence, outcome_file


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("area_health", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_gives_every_outcome_and_condition_with_its_interval(files):
    prevalence, outcomes = files
    out, _ = _run("--prevalence", str(prevalence), "--outcomes", str(outcomes), "--json")
    payload = json.loads(out)
    pairs = {(r["outcome"], r["condition"]): r for r in payload["results"]}
    assert set(pairs) == {
        (outcome, condition)
        for outcome in ("Inactive: long-term sick", "Unemployed")
        for condition in ("Epilepsy", "Depression", "Asthma")
    }
    epilepsy = pairs[("Inactive: long-term sick", "Epilepsy")]
    assert set(epilepsy) >= {
        "slope",
        "ci_low",
        "ci_high",
        "p_adjusted",
        "adjusted_slope",
        "n_areas",
    }
    assert epilepsy["ci_low"] < 2.0 < epilepsy["ci_high"] and epilepsy["n_areas"] == 300
    assert epilepsy["p_adjusted"] < 0.001
    nested = payload["outcomes"]["Inactive: long-term sick"]["conditions"]["Epilepsy"]
    assert nested["slope"] == epilepsy["slope"]
    assert any("not cause" in caveat for caveat in payload["caveats"])


def test_the_table_names_each_slope_and_the_caveat(files):
    prevalence, outcomes = files
    out, _ = _run("--prevalence", str(prevalence), "--outcomes", str(outcomes))
    assert "Inactive: long-term sick (300 areas" in out and "Epilepsy" in out
    assert "not cause" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("area_code,area_name,measure\nE01000001,x,y\n", "missing the column"),
        (
            "area_code,area_name,measure,numerator,denominator,period\n"
            "E01000001,Liverpool 001A,Asthma,120,100,2022-23\n",
            r"Row 2: the numerator \(120\) is larger",
        ),
    ],
)
def test_bad_input_exits_with_a_message(files, tmp_path, content, message):
    _, outcomes = files
    bad = tmp_path / "bad.csv"
    if content is not None:
        bad.write_text(content)
    with pytest.raises(CommandError, match=message):
        _run("--prevalence", str(bad), "--outcomes", str(outcomes))


def test_a_measure_cannot_be_both_condition_and_outcome(files):
    prevalence, _ = files
    with pytest.raises(CommandError, match="both a condition and an outcome"):
        _run("--prevalence", str(prevalence), "--outcomes", str(prevalence))


def test_the_command_fails_from_the_shell_with_a_non_zero_status(files, tmp_path):
    _, outcomes = files
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "area_health",
            "--prevalence",
            str(tmp_path / "no.csv"),
            "--outcomes",
            str(outcomes),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "does not exist" in result.stderr
