from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The question board: ask a program's mentors in the open."""

    name = "tandem.board"
    label = "board"
