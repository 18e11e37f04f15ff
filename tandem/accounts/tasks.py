"""Background work for accounts; each task is thin and safe to run twice."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from tandem.accounts.models import Invitation


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
def send_rendered_email(
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Send a message the web process rendered, so that no request waits on the mail server."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def email_enqueue(message: EmailMessage) -> None:
    """Hand a rendered message to the task worker once the current transaction commits."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (str(content) for content, kind in message.alternatives if kind == "text/html"), ""
        )
    subject, body, to = str(message.subject), str(message.body), [str(a) for a in message.to]
    from_email = message.from_email
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    transaction.on_commit(
        lambda: send_rendered_email.enqueue(
            subject=subject, body=body, to=to, from_email=from_email, html=html, headers=headers
        )
    )
