"""Receivers: audit entries for account and role events (only ids and event names are
recorded), and keeping the public session listing's cache fresh."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .listing_cache import listing_changed
from .models import FocusGroup, Registration, User
from .services.accounts import account_erasing
from .services.audit import audit_record


@receiver(auth_signals.user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record("auth.login", actor=user, target=user)


@receiver(auth_signals.user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record("auth.logout", actor=user, target=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted email is deliberately not stored: it may belong to someone else.
    audit_record("auth.login_failed")


@receiver(account_signals.user_signed_up, dispatch_uid="audit_signup")
def _signed_up(sender, request, user, **kwargs):
    audit_record("auth.signup", actor=user, target=user)


@receiver(account_signals.password_changed, dispatch_uid="audit_password_changed")
@receiver(account_signals.password_reset, dispatch_uid="audit_password_reset")
def _password_changed(sender, request, user, **kwargs):
    audit_record("auth.password_changed", actor=user, target=user)


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_mfa_added")
def _mfa_added(sender, request, user, authenticator, **kwargs):
    audit_record("auth.mfa_added", actor=user, target=user, kind=authenticator.type)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_mfa_removed")
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    audit_record("auth.mfa_removed", actor=user, target=user, kind=authenticator.type)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_role_change")
def _roles_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    instance.__dict__.pop("_ehl_roles", None)
    audit_record("roles.changed", target=instance, change=action.removeprefix("post_"), roles=names)


@receiver(account_erasing, dispatch_uid="withdraw_survey_answers_on_erasure")
def _withdraw_survey_answers(sender, user, **kwargs):
    """Answers given while signed in were shared only with the account: they leave analysis."""
    from .services.capture import survey_consent_withdraw

    for response in user.survey_responses.filter(consent_withdrawn_at__isnull=True):
        survey_consent_withdraw(response=response, actor=None)


for model in (FocusGroup, Registration):
    post_save.connect(listing_changed, sender=model, dispatch_uid=f"listing_save_{model.__name__}")
    post_delete.connect(
        listing_changed, sender=model, dispatch_uid=f"listing_delete_{model.__name__}"
    )
m2m_changed.connect(
    listing_changed, sender=FocusGroup.access_features.through, dispatch_uid="listing_access"
)
