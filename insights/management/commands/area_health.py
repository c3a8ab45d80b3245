"""How employment outcomes move with condition prevalence across areas, from two CSV files.

For scripted use and checks: reads the product's tidy layout, saves nothing, prints the models.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from insights.services.area_io import AreaDataError, counts_by_measure, parse_tidy
from insights.services.area_model import CAVEATS, fit_all

FIELDS = ("slope", "ci_low", "ci_high", "p_adjusted", "adjusted_slope", "n_areas")


class Command(BaseCommand):
    help = (
        "Regress each outcome's rate on each condition's prevalence across areas "
        "(population-weighted) and print the slopes. Both files are in the product's layout: "
        "area_code, area_name, measure, numerator, denominator, period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--prevalence", required=True, help="Conditions: register / list size")
        parser.add_argument("--outcomes", required=True, help="Outcomes: people / population base")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table")

    def _read(self, path: str, what: str):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"The {what} file {path} does not exist.")
        try:
            return counts_by_measure(parse_tidy(file.read_bytes()))
        except AreaDataError as error:
            raise CommandError(
                f"The {what} file {path} cannot be used:\n  " + "\n  ".join(error.problems)
            ) from None

    def handle(self, *args, **options):
        conditions = self._read(options["prevalence"], "prevalence")
        outcomes = self._read(options["outcomes"], "outcomes")
        shared = set(conditions) & set(outcomes)
        if shared:
            raise CommandError(
                "A measure cannot be both a condition and an outcome: " + ", ".join(sorted(shared))
            )
        models, errors = fit_all(conditions, outcomes)
        if not models:
            raise CommandError("No outcome could be modelled:\n  " + "\n  ".join(errors.values()))
        results = [
            {"outcome": model.outcome, "condition": term.condition}
            | {field: getattr(term, field) for field in FIELDS}
            for model in models
            for term in model.terms
        ]
        if options["json"]:
            payload = {
                "results": results,
                "outcomes": {
                    model.outcome: {
                        "n_areas": model.n_areas,
                        "mean_rate": model.mean_rate,
                        "adjusted_r_squared": model.adjusted_r_squared,
                        "conditions": {
                            term.condition: {field: getattr(term, field) for field in FIELDS}
                            for term in model.terms
                        },
                    }
                    for model in models
                },
                "not_modelled": errors,
                "caveats": CAVEATS,
            }
            self.stdout.write(json.dumps(payload, indent=2))
            return
        for model in models:
            self.stdout.write(
                f"{model.outcome} ({model.n_areas} areas, average rate {model.mean_rate:.2f}%)"
            )
            for term in model.terms:
                adjusted = "—" if term.adjusted_slope is None else f"{term.adjusted_slope:+.3f}"
                self.stdout.write(
                    f"  {term.condition:<32} slope {term.slope:+.3f} "
                    f"({term.ci_low:+.3f} to {term.ci_high:+.3f}) p_adj {term.p_adjusted:.3g} "
                    f"adjusted {adjusted}"
                )
        for outcome, reason in errors.items():
            self.stderr.write(f"{outcome}: {reason}")
        self.stdout.write(CAVEATS[0])
