"""Who may see and do what in insights."""

from engagement.roles import is_staff_role


def can_view_codebook(user) -> bool:
    return is_staff_role(user)


def can_manage_codebook(user) -> bool:
    return user.is_authenticated and user.has_perm("insights.manage_codebook")


def can_view_segments(user) -> bool:
    """Segments are redacted but still people's words: only those who code them see them."""
    return is_staff_role(user) and user.has_perm("insights.code_segments")


# --- Review: coding runs, the learned model, the review queue and double coding ----------------
# Associates and leads code and review; only leads retrain the model and run double coding.
# Partners and residents never reach any of it (they hold no insights permission).


def can_review_codes(user) -> bool:
    """Start coding runs, work through the review queue and read a code's history."""
    return can_view_segments(user)


def can_train_model(user) -> bool:
    """Retrain the learned suggester on demand (a programme lead's call)."""
    return can_review_codes(user) and can_manage_codebook(user)


def can_manage_double_coding(user) -> bool:
    """Create double-coding samples and read their agreement results."""
    return can_review_codes(user) and can_manage_codebook(user)


def can_code_sample(user, sample) -> bool:
    """Only the two people a sample was given to code it, each on their own."""
    return can_review_codes(user) and user.pk in (sample.coder_a_id, sample.coder_b_id)


# --- Reports: theme reports, their exports and published snapshots -----------------------------
# Leads and administrators hold view_reports; associates code segments and see reports too.
# Partners see only the snapshots a lead has published (aggregated, suppressed, no segments).


def can_view_reports(user) -> bool:
    """See theme reports and download their exports (figures are always suppressed)."""
    return is_staff_role(user) and (
        user.has_perm("insights.view_reports") or user.has_perm("insights.code_segments")
    )


def can_publish_reports(user) -> bool:
    """Publish a report as a snapshot page for partners: a programme lead's governance call."""
    return can_view_reports(user) and can_manage_codebook(user)


def can_view_published_reports(user) -> bool:
    """Published snapshots are for everyone who works on the programme, partners included."""
    return is_staff_role(user)


# --- Codebook -----------------------------------------------------------------------------------
# The approved codebook is open to every staff role (`can_view_codebook`). Candidates, discovery
# runs and the change history carry traces of what people said (key terms, quotes), so they are
# for the people who code segments; changing the codebook is the programme lead's
# (`can_manage_codebook`).


def can_view_codebook_workbench(user) -> bool:
    """Candidates, discovery runs, change history and exports: associates and leads."""
    return can_view_segments(user)


def can_import_codebook(user) -> bool:
    return can_manage_codebook(user)


def can_run_discovery(user) -> bool:
    return can_manage_codebook(user) and can_view_segments(user)


# --- Decisions: service map, benchmarking, options appraisal, equity audit ----------------------
# Every staff role that works on the evidence (associates, leads, administrators) may read the
# four instruments and print their reports; only programme leads create and edit them. Partners
# and residents get 403: the instruments link to quotes and unpublished analysis.


def can_view_decisions(user) -> bool:
    """Read the service map, benchmarks, appraisals and equity audits, and print their reports."""
    return is_staff_role(user) and (
        user.has_perm("insights.code_segments") or user.has_perm("insights.view_reports")
    )


def can_manage_decisions(user) -> bool:
    """Create and edit programmes, assessments, options, appraisals and uploads (leads)."""
    return can_view_decisions(user) and can_manage_codebook(user)
