from django.urls import path

from tandem.people.views import (
    audit,
    erasure,
    home,
    imports,
    list_exports,
    member_exports,
    members,
    scim_tokens,
    sign_on,
    structure,
)

app_name = "people"
# Each page module adds its routes here.
urlpatterns = [
    path("<id:organization_id>/", home.organization_home, name="home"),
    path("sign-on/", sign_on.sign_on_start, name="sign_on_start"),
    path("<id:organization_id>/sign-on/", sign_on.sign_on_settings, name="sign_on"),
    path("<id:organization_id>/sign-on/off/", sign_on.sign_on_turn_off, name="sign_on_off"),
    path("<id:organization_id>/members/", members.member_list, name="members"),
    # A members export is asked for, built by a task, then downloaded by the admin who asked.
    path(
        "<id:organization_id>/members/exports/",
        member_exports.member_export_create,
        name="members_export_create",
    ),
    path(
        "<id:organization_id>/members/exports/<id:export_id>/",
        member_exports.member_export_detail,
        name="members_export",
    ),
    path(
        "<id:organization_id>/members/exports/<id:export_id>/download/",
        member_exports.member_export_download,
        name="members_export_download",
    ),
    path(
        "<id:organization_id>/members/<id:membership_id>/",
        members.member_detail,
        name="member",
    ),
    path(
        "<id:organization_id>/members/<id:membership_id>/manager/",
        members.member_manager,
        name="member_manager",
    ),
    path(
        "<id:organization_id>/members/<id:membership_id>/status/",
        members.member_status,
        name="member_status",
    ),
    path("<id:organization_id>/departments/", structure.department_list, name="departments"),
    path(
        "<id:organization_id>/departments/<id:department_id>/",
        structure.department_detail,
        name="department",
    ),
    path(
        "<id:organization_id>/departments/<id:department_id>/remove/",
        structure.department_delete,
        name="department_delete",
    ),
    path("<id:organization_id>/partners/", structure.partner_list, name="partners"),
    path(
        "<id:organization_id>/partners/requests/<id:request_id>/",
        structure.partner_request_answer,
        name="partner_request",
    ),
    path(
        "<id:organization_id>/partners/<id:partner_id>/end/",
        structure.partner_end,
        name="partner_end",
    ),
    path(
        "<id:organization_id>/program-runners/",
        structure.program_runner_list,
        name="program_runners",
    ),
    path(
        "<id:organization_id>/program-runners/<id:membership_id>/",
        structure.program_runner_set,
        name="program_runner_set",
    ),
    path(
        "<id:organization_id>/members/<id:membership_id>/erase/",
        erasure.member_erase,
        name="member_erase",
    ),
    # The people import: upload, preview with errors, confirm.
    path("<id:organization_id>/import/", imports.import_upload, name="import"),
    path(
        "<id:organization_id>/import/template.<str:kind>",
        imports.import_template,
        name="import_template",
    ),
    path(
        "<id:organization_id>/import/<id:batch_id>/",
        imports.import_preview,
        name="import_preview",
    ),
    path(
        "<id:organization_id>/import/<id:batch_id>/discard/",
        imports.import_discard,
        name="import_discard",
    ),
    path("<id:organization_id>/audit/", audit.audit_trail, name="audit"),
    path("<id:organization_id>/security/", audit.security_log, name="security"),
    # Each admin list as a CSV or Excel file, with the filters the list shows.
    path(
        "<id:organization_id>/departments/export.<str:file_format>",
        list_exports.department_export,
        name="departments_export",
    ),
    path(
        "<id:organization_id>/partners/export.<str:file_format>",
        list_exports.partner_export,
        name="partners_export",
    ),
    path(
        "<id:organization_id>/program-runners/export.<str:file_format>",
        list_exports.program_runner_export,
        name="program_runners_export",
    ),
    path(
        "<id:organization_id>/audit/export.<str:file_format>",
        list_exports.audit_export,
        name="audit_export",
    ),
    path(
        "<id:organization_id>/security/export.<str:file_format>",
        list_exports.security_export,
        name="security_export",
    ),
    # Tokens for identity providers that provision people through SCIM.
    path("<id:organization_id>/scim/", scim_tokens.scim_tokens, name="scim_tokens"),
    path(
        "<id:organization_id>/scim/<id:token_id>/revoke/",
        scim_tokens.scim_token_revoke_view,
        name="scim_token_revoke",
    ),
]
