"""Background work for accounts; each task is thin and safe to run twice."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from tandem.accounts.models import Invitation, User


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


@task()
def send_invitation_email(invitation_id: int) -> None:
    """E-mail an invitation link, once; a second run for the same invitation does nothing."""
    invitation = (
        Invitation.objects.select_related("organization", "program", "invited_by")
        .filter(pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "url": _absolute(reverse("accounts:invitation", args=[invitation.token])),
    }
    target = invitation.program or invitation.organization
    send_mail(
        subject=f"You are invited to {target} on Tandem",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    # Mark as sent only after the mail went out, with a conditional update so that two
    # workers racing on the same invitation record one send.
    Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=timezone.now())


@task()
def send_signup_confirmation(user_id: int) -> None:
    """E-mail the link that confirms a new account's address; nothing once it is confirmed."""
    user = User.objects.filter(pk=user_id, email_confirmed_at__isnull=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {"user": user, "url": _absolute(reverse("accounts:confirm", args=[uid, token]))}
    send_mail(
        subject="Confirm your e-mail address for Tandem",
        message=render_to_string("accounts/email/confirm.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@task()
def send_account_exists_notice(user_id: int) -> None:
    """Tell an account's owner that someone tried to sign up again with their address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    context = {
        "user": user,
        "login_url": _absolute(reverse("accounts:login")),
        "reset_url": _absolute(reverse("accounts:password_reset")),
    }
    send_mail(
        subject="You already have a Tandem account",
        message=render_to_string("accounts/email/account_exists.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
