"""No admin list shows, searches or filters by a private field, now or when one is added."""

from django.contrib import admin

from tandem.core.admin import PrivacyAdmin, lookup_touches_private_field, private_fields_of


def _tandem_admins() -> list[admin.ModelAdmin]:
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("tandem.")
    ]


def _names(model_admin: admin.ModelAdmin) -> set[str]:
    names: set[str] = set()
    for attribute in ("list_display", "fields", "readonly_fields", "list_filter", "exclude"):
        for item in getattr(model_admin, attribute, None) or ():
            if isinstance(item, str):
                names.add(item)
            elif isinstance(item, list | tuple) and isinstance(item[0], str):
                names.add(item[0])
    for _name, options in getattr(model_admin, "fieldsets", None) or ():
        names.update(f for f in options.get("fields", ()) if isinstance(f, str))
    return names


def test_every_tandem_admin_refuses_private_lookups() -> None:
    admins = _tandem_admins()
    assert len(admins) >= 9
    for model_admin in admins:
        assert isinstance(model_admin, PrivacyAdmin), type(model_admin).__name__
        for inline in model_admin.inlines:
            assert hasattr(inline, "get_exclude"), inline


def test_no_admin_lists_searches_or_filters_a_private_field() -> None:
    for model_admin in _tandem_admins():
        model = model_admin.model
        shown = _names(model_admin) - set(getattr(model_admin, "exclude", None) or ())
        assert not shown & private_fields_of(model), (model.__name__, shown)
        for name in shown:
            assert not lookup_touches_private_field(model, name), (model.__name__, name)
        for field in model_admin.search_fields:
            assert not lookup_touches_private_field(model, field.lstrip("^=@")), (
                model.__name__,
                field,
            )


def test_a_private_field_is_found_at_any_depth_of_a_lookup() -> None:
    from tandem.accounts.models import User
    from tandem.relationships.models import Relationship

    assert lookup_touches_private_field(User, "concerns_raised__body__icontains")
    assert lookup_touches_private_field(User, "enrollments__goals")
    assert lookup_touches_private_field(Relationship, "mentee__sent_requests__message")
    assert not lookup_touches_private_field(Relationship, "mentee__user__full_name__icontains")
    assert not lookup_touches_private_field(Relationship, "status__exact")
