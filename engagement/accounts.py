"""allauth integration: how accounts are created, how account emails are sent, and what a
person sees when a rate limit stops them (never whether an account exists)."""

from allauth.account.adapter import DefaultAccountAdapter

from .background import enqueue_on_commit
from .roles import Role, assign_roles
from .tasks import deliver_email

# The same words whether or not the address has an account, so a lockout never confirms one.
LOCKOUT_MESSAGE = (
    "Too many attempts from this connection or for this email address. "
    "Wait 5 minutes and try again."
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": LOCKOUT_MESSAGE,
        "rate_limited": LOCKOUT_MESSAGE,
    }

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # Anyone may sign up, but only as a resident; staff roles are granted by an
            # administrator, never self-selected.
            assign_roles(user, [Role.RESIDENT])
        return user

    def send_mail(self, template_prefix, email, context):
        # Render now (the request context is here) and deliver from the task worker.
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        enqueue_on_commit(
            deliver_email,
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            html=html,
        )
