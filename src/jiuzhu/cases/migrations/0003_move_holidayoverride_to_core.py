# HolidayOverride now belongs to core (core/migrations/0002_holidayoverride.py): removed from this app's
# state only, so the table cases_holidayoverride and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
        ("core", "0002_holidayoverride"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HolidayOverride")],
            database_operations=[],
        ),
    ]
