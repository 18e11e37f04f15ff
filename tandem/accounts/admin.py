from importlib import import_module
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from tandem.accounts.models import Department, Invitation, Membership, Organization, User
from tandem.accounts.services import membership_check_manager
from tandem.core.admin import PrivacyAdmin, PrivacyInline
from tandem.core.errors import DomainError


@admin.register(User)
class UserAdmin(PrivacyAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__organization"]
    search_fields = ["email", "full_name", "preferred_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "preferred_name", "pronouns")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


class DepartmentInline(PrivacyInline):
    model = Department
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(PrivacyAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["partners"]
    inlines = [DepartmentInline]


class MembershipAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organization, user = cleaned.get("organization"), cleaned.get("user")
        if organization is not None and user is not None:
            # Check the edited values, not the saved row: the same rule as the service.
            candidate = Membership(pk=self.instance.pk, organization=organization, user=user)
            try:
                membership_check_manager(membership=candidate, manager=cleaned.get("manager"))
            except DomainError as error:
                self.add_error("manager", error.message)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(PrivacyAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organization", "role", "status", "department", "title", "manager"]
    list_filter = ["organization", "role", "status", "department"]
    search_fields = ["user__email", "user__full_name", "title", "location"]
    list_select_related = [
        "user",
        "organization",
        "department",
        "manager__user",
        "manager__organization",
    ]
    raw_id_fields = ["user", "manager"]
    autocomplete_fields = ["department"]


@admin.register(Department)
class DepartmentAdmin(PrivacyAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]


@admin.register(Invitation)
class InvitationAdmin(PrivacyAdmin):
    list_display = ["email", "organization", "program", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organization", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    raw_id_fields = ["invited_by", "accepted_by", "program"]
    readonly_fields = ["token"]


if apps.is_installed("allauth.mfa"):
    # Registers allauth's admin first, whatever the order of the apps.
    import_module("allauth.mfa.admin")
    from allauth.mfa.models import Authenticator

    # allauth's own admin shows and edits an authenticator's data: the TOTP secret and
    # the recovery codes' seed. Staff may see that a factor exists, and remove a lost one.
    admin.site.unregister(Authenticator)

    @admin.register(Authenticator)
    class AuthenticatorAdmin(PrivacyAdmin):
        list_display = ["user", "type", "created_at", "last_used_at"]
        list_filter = ["type"]
        search_fields = ["user__email", "user__full_name"]
        list_select_related = ["user"]
        readonly_fields = fields = ("user", "type", "created_at", "last_used_at")

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
            return False


if apps.is_installed("allauth.socialaccount"):
    import_module("allauth.socialaccount.admin")
    from allauth.socialaccount.models import SocialApp, SocialToken

    # allauth's own admin shows an organization's sign-on client secret and people's
    # provider tokens. Organization admins set sign-on up in Tandem; staff only see it exists.
    admin.site.unregister(SocialApp)
    admin.site.unregister(SocialToken)

    @admin.register(SocialApp)
    class SocialAppAdmin(PrivacyAdmin):
        list_display = ["name", "provider", "provider_id", "client_id"]
        list_filter = ["provider"]
        search_fields = ["name", "provider_id"]
        readonly_fields = fields = ("name", "provider", "provider_id", "client_id")

        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
            return False
