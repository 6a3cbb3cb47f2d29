"""A member's progress keeps whether they have any live record, not how many: a member who had
records and gets more needs no write. The count becomes the flag in place (``records > 0``);
the lone ``unit`` index goes, ``(unit, covered)`` serves the same lookups."""

import django.db.models.deletion
from django.db import migrations, models


def counts_to_flags(apps, schema_editor):  # type: ignore[no-untyped-def]
    # PostgreSQL casts the integer to a boolean when the column's type changes (0 is false);
    # SQLite keeps the integer as it is, so make it 0 or 1 first.
    if schema_editor.connection.vendor != "postgresql":
        progress = apps.get_model("study", "MemberStudyProgress")
        progress.objects.filter(records__gt=1).update(records=1)


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0001_initial"),
        ("study", "0004_record_indexes_for_bulk_import"),
    ]

    operations = [
        migrations.RunPython(counts_to_flags, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="memberstudyprogress",
            name="records",
            field=models.BooleanField(default=False),
        ),
        migrations.RenameField(
            model_name="memberstudyprogress",
            old_name="records",
            new_name="recorded",
        ),
        migrations.AlterField(
            model_name="memberstudyprogress",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organization.unit",
            ),
        ),
    ]
