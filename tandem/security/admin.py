from django.contrib import admin
from django.http import HttpRequest

from tandem.core.admin import PrivacyAdmin
from tandem.security.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(PrivacyAdmin):
    """Read the security log; nobody edits or adds to it by hand."""

    list_display = ["created_at", "kind", "user", "email", "organization", "ip_address"]
    list_filter = ["kind", "organization"]
    search_fields = ["user__email", "email", "ip_address"]
    list_select_related = ["user", "organization"]
    date_hierarchy = "created_at"
    readonly_fields = fields = (
        "created_at",
        "kind",
        "user",
        "email",
        "organization",
        "ip_address",
        "user_agent",
        "detail",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
