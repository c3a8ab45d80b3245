"""Views of the decision instruments: service map, benchmarking, options appraisal, equity
audit. Access is decided in insights.permissions ("Decisions")."""
