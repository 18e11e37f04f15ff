from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Organization admins' pages: members, departments, reporting lines, imports, audit."""

    name = "tandem.people"
    label = "people"
