"""Site staff see who is paired and how things stand, never what the pair wrote.

Journal entries, check-ins, agreements, meeting notes and request messages are not
registered here on purpose: they belong to the people who wrote them.
"""

from django.contrib import admin

from tandem.relationships.models import Concern, MentorshipRequest, Relationship


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "status", "origin", "started_at", "closed_at"]
    list_filter = ["program", "status", "origin", "close_reason"]
    search_fields = ["mentor__user__full_name", "mentee__user__full_name"]
    list_select_related = ["program", "mentor__user", "mentee__user", "focus"]
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
        "close_reason",
    )

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "created_at"]
    list_filter = ["status", "relationship__program"]
