"""Receivers: audit entries for account and role events (only ids and event names are
recorded), and keeping the public session listing's cache fresh."""

import django.dispatch
from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail import hooks

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
def _erase_linked_records(sender, user, **kwargs):
    """Erasing an account erases what is linked to it or was sent from its email address:
    sign-ups lose their contact details, survey answers (shared only with the account) leave
    analysis and are cleared, and so are the segments derived from them."""
    from .services.privacy import subject_for_user
    from .services.privacy_erasure import subject_erase

    subject_erase(subject=subject_for_user(user), actor=None, reason="account-deleted")


# Sent to collect what analysis holds about a person for a subject-access export:
# `send(sender, records=[capture records], person_keys=[...])`; receivers return a list of
# JSON-able rows (insights returns the person's segments). engagement never imports insights.
personal_data_requested = django.dispatch.Signal()
# Sent inside an erasure's transaction with the same arguments: receivers clear what they derived
# from those records or hold under those keys, and return how many rows they cleared.
personal_data_erased = django.dispatch.Signal()
# Sent by the retention run (inside its transaction, and in a dry run) with `dry_run`: receivers
# apply their own part of the policy and return {what: how many}, which joins the run's counts.
retention_enforcing = django.dispatch.Signal()


def _role_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@hooks.register("after_create_user")
def _user_created_in_editor(request, user):
    audit_record("user.created", actor=request.user, target=user, roles=_role_names(user))


@hooks.register("after_edit_user")
def _user_edited_in_editor(request, user):
    """Role changes themselves are recorded by `_roles_changed`; this names who made them."""
    audit_record("user.edited", actor=request.user, target=user, roles=_role_names(user))


@hooks.register("before_delete_user")
def _user_deleted_in_editor(request, user):
    """Deleting a user in the site editor goes through the same erasure as self-service
    deletion, so nothing linked to the account is left behind."""
    if request.method != "POST":
        return None
    from django.contrib import messages
    from django.shortcuts import redirect

    from .services.accounts import account_delete

    account_delete(user=user, actor=request.user, reason="site-editor")
    messages.success(request, "The user was deleted and their personal data erased.")
    return redirect("wagtailusers_users:index")


@hooks.register("before_bulk_action")
def _users_bulk_deleted_in_editor(request, action_type, objects, action_class_instance):
    """The site editor's bulk delete of users goes through the same erasure, one by one."""
    if action_type != "delete" or getattr(action_class_instance, "model", None) is not User:
        return None
    from django.contrib import messages
    from django.shortcuts import redirect

    from .services.accounts import account_delete

    for user in objects:
        account_delete(user=user, actor=request.user, reason="site-editor")
    messages.success(request, f"{len(objects)} user(s) deleted and their personal data erased.")
    return redirect(action_class_instance.next_url or "wagtailusers_users:index")


for model in (FocusGroup, Registration):
    post_save.connect(listing_changed, sender=model, dispatch_uid=f"listing_save_{model.__name__}")
    post_delete.connect(
        listing_changed, sender=model, dispatch_uid=f"listing_delete_{model.__name__}"
    )
m2m_changed.connect(
    listing_changed, sender=FocusGroup.access_features.through, dispatch_uid="listing_access"
)
