from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_email_addresses"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="email_confirmed_at"),
    ]
