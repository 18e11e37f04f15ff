from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core.forms import posted
from tandem.core.http import AuthenticatedHttpRequest
from tandem.notifications.services import notification_settings_save, notifications_mark_read


class DigestForm(forms.Form):
    email_digest = forms.BooleanField(
        required=False, label="Send me one e-mail a day instead of one per update"
    )


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DigestForm(posted(request), initial={"email_digest": request.user.email_digest})
    if form.is_bound and form.is_valid():
        notification_settings_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Your e-mail preference is saved.")
        return redirect("notifications:list")
    items = list(request.user.notifications.all()[:100])
    return render(request, "notifications/list.html", {"items": items, "form": form})


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
