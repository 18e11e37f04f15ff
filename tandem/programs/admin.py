from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "organization"]
    list_filter = ["organization", "category"]
    search_fields = ["name", "synonyms"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "format", "status", "matching_mode", "audience"]
    list_filter = ["status", "format", "matching_mode", "audience", "organization"]
    search_fields = ["name", "tagline"]
    filter_horizontal = ["partner_organizations", "admins"]


class EnrollmentTopicInline(admin.TabularInline):
    model = EnrollmentTopic
    extra = 0
    autocomplete_fields = ["topic"]


# Whether someone lets matching use their identity says something about it too. The asks
# after a match that was not a fit come from a private reflection.
PRIVATE_FIELDS = (
    "identity_attributes",
    "identity_use",
    "requested_attributes",
    "next_match_asks",
)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "program",
        "status",
        "roles_display",
        "capacity",
        "accepting_now",
        "profile_completed_at",
    ]
    list_filter = [
        "program",
        "status",
        "is_mentee",
        "is_mentor",
        "is_peer",
        "accepting_now",
        ("profile_completed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["user__email", "user__full_name", "goals"]
    list_select_related = ["user", "program"]
    raw_id_fields = ["user", "membership"]
    inlines = [EnrollmentTopicInline]
    # Self-described identity is for the person and the matching engine alone: not shown,
    # and not usable as a filter either.
    exclude = list(PRIVATE_FIELDS)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split(LOOKUP_SEP)[0] in PRIVATE_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="Roles")
    def roles_display(self, obj: Enrollment) -> str:
        return ", ".join(obj.roles)
