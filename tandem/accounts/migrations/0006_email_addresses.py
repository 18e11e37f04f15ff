"""Give every existing person the allauth e-mail address record sign-in now relies on.

An address counts as proven when the person had confirmed it (`email_confirmed_at`). The
same migration creates the database cache table that rate-limit counters use by default.
"""

from django.core.management import call_command
from django.db import migrations


def create_email_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    db = schema_editor.connection.alias
    existing = set(EmailAddress.objects.using(db).values_list("user_id", flat=True))
    rows = [
        EmailAddress(
            user_id=user_id,
            email=email.lower(),
            primary=True,
            verified=confirmed_at is not None,
        )
        for user_id, email, confirmed_at in User.objects.using(db)
        .values_list("pk", "email", "email_confirmed_at")
        .iterator(chunk_size=2000)
        if user_id not in existing
    ]
    EmailAddress.objects.using(db).bulk_create(rows, batch_size=1000)


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_membership_may_run_programs"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(create_email_addresses, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
