from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter
        from django_tasks.signals import task_finished, task_started

        from tandem.core.http import IdConverter
        from tandem.core.task_runs import task_run_finished, task_run_started

        # Every URL names its rows with <id:…>, so an over-long id is a 404, never a 500.
        register_converter(IdConverter, "id")

        # django-tasks tells no task which run it is unless it takes a context; these
        # let notify() key what a task reports, so a re-run reports nothing twice.
        task_started.connect(task_run_started, dispatch_uid="tandem.task_run_started")
        task_finished.connect(task_run_finished, dispatch_uid="tandem.task_run_finished")
