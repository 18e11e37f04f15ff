"""Forms of the members pages."""

from typing import Any

from django import forms

from tandem.accounts import time_zones
from tandem.accounts.models import Department, Membership, Organization
from tandem.people.models import MemberExport
from tandem.people.selectors.members import MEMBER_SORTS, MemberFilters

SEARCH_MAX = 100


class MemberFilterForm(forms.Form):
    """The members list's search, filters and order, read from the query string."""

    q = forms.CharField(label="Search", required=False, max_length=SEARCH_MAX)
    department = forms.CharField(label="Department", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Current and alumni"), *Membership.Status.choices],
    )
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Membership.Role.choices]
    )
    no_manager = forms.BooleanField(label="No manager", required=False)
    may_run_programs = forms.BooleanField(label="May run programs", required=False)
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("name", "Name, A to Z"),
            ("-name", "Name, Z to A"),
            ("email", "E-mail"),
            ("title", "Title"),
            ("department", "Department"),
            ("newest", "Newest first"),
        ],
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.departments = list(organization.departments.order_by("name"))

    def clean_department(self) -> str:
        value: str = self.cleaned_data["department"]
        if value and value != "none" and value not in {str(d.pk) for d in self.departments}:
            raise forms.ValidationError("Choose one of the organization's departments.")
        return value

    def query(self) -> list[tuple[str, str]]:
        """Return the valid filters as query-string pairs, to carry them to the export."""
        if not self.is_valid():
            return []
        pairs = []
        for name, value in self.cleaned_data.items():
            if value is True:
                pairs.append((name, "on"))
            elif value:
                pairs.append((name, str(value)))
        return pairs

    def filters(self) -> MemberFilters:
        """Return the filters asked for; an invalid form filters nothing."""
        if not self.is_valid():
            return MemberFilters()
        data = self.cleaned_data
        department = next((d for d in self.departments if str(d.pk) == data["department"]), None)
        sort = data["sort"] if data["sort"] in MEMBER_SORTS else "name"
        return MemberFilters(
            q=data["q"].strip(),
            department=department,
            no_department=data["department"] == "none",
            status=data["status"],
            role=data["role"],
            no_manager=data["no_manager"],
            may_run_programs=data["may_run_programs"],
            sort=sort,
        )


class MembershipForm(forms.Form):
    """What an organization admin may change about a member."""

    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)
    may_run_programs = forms.BooleanField(
        label="May create and run programs",
        required=False,
        help_text="Organization admins always may.",
    )
    department = forms.ModelChoiceField(
        label="Department",
        queryset=Department.objects.none(),
        required=False,
        empty_label="No department",
    )
    title = forms.CharField(label="Title", max_length=120, required=False)
    time_zone = forms.ChoiceField(label="Time zone")
    location = forms.CharField(label="Location", max_length=120, required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = organization.departments.order_by("name")
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = time_zones.time_zone_choices()

    @classmethod
    def initial_for(cls, membership: Membership) -> dict[str, Any]:
        return {
            "role": membership.role,
            "may_run_programs": membership.may_run_programs,
            "department": membership.department_id,
            "title": membership.title,
            "time_zone": membership.time_zone,
            "location": membership.location,
        }


class ManagerSearchForm(forms.Form):
    """The name or address of the manager an admin is looking for."""

    q = forms.CharField(label="Find the manager by name or e-mail", max_length=SEARCH_MAX)


class ManagerPickForm(forms.Form):
    """The manager picked from the search results, or none to clear it."""

    manager = forms.CharField(required=False)
    clear = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("clear") and not data.get("manager"):
            raise forms.ValidationError("Pick a manager from the search results.")
        return data


class MemberExportForm(forms.Form):
    """The file format of a members export; the list's filters come with it."""

    file_format = forms.ChoiceField(choices=MemberExport.Format.choices)
