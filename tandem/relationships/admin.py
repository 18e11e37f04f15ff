"""Site staff see who is paired and how things stand, never what the pair wrote.

Journal entries, check-ins, agreements, meeting notes and reflections are not registered
here on purpose: they belong to the people who wrote them. Requests and concerns are, but
without their words: PrivacyAdmin (tandem/core/admin.py) keeps the private fields out of
every form and refuses them as filters in the address.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from tandem.core.admin import PrivacyAdmin
from tandem.relationships.models import Concern, MentorshipRequest, Relationship
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


class ReadOnlyAdmin(PrivacyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "program", "status", "origin", "started_at", "closed_at"]
    list_filter = ["program", "status", "origin"]
    search_fields = ["mentor__user__full_name", "mentee__user__full_name"]
    list_select_related = ["program", "mentor__user", "mentee__user", "focus"]
    # As for enrollments: newest first from the primary key, one count, fifty rows a page.
    ordering = ["-pk"]
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = fields = (
        "program",
        "mentor",
        "mentee",
        "focus",
        "origin",
        "status",
        "started_at",
        "paused_at",
        "pause_until",
        "closed_at",
    )


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "program", "status", "created_at", "expires_at"]
    list_filter = ["program", "status"]
    search_fields = ["mentor__user__full_name", "mentee__user__full_name"]
    list_select_related = ["program", "mentor__user", "mentee__user"]
    readonly_fields = fields = (
        "program",
        "mentee",
        "mentor",
        "focus",
        "status",
        "expires_at",
        "answered_at",
    )


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    """How many concerns there are and where they stand; the program's admins handle them."""

    list_display = ["__str__", "status", "created_at"]
    list_filter = ["status", "relationship__program"]
    list_select_related = [
        "relationship__mentor__user",
        "relationship__mentee__user",
        "relationship__focus",
    ]
    readonly_fields = fields = ("relationship", "status", "created_at", "updated_at")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        security_event_record(
            kind=SecurityEvent.Kind.ADMIN_CONCERN_VIEWED, request=request, detail={"list": True}
        )
        return super().changelist_view(request, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        security_event_record(
            kind=SecurityEvent.Kind.ADMIN_CONCERN_VIEWED,
            request=request,
            detail={"concern": str(object_id)[:20]},
        )
        return super().change_view(request, object_id, form_url, extra_context)
