from django.contrib import admin

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
    # Self-described identity is for the person and the matching engine alone.
    exclude = ["identity_attributes", "requested_attributes"]

    @admin.display(description="Roles")
    def roles_display(self, obj: Enrollment) -> str:
        return ", ".join(obj.roles)
