"""Give every existing unit its (zero) rectification counters: no problem or task exists yet."""

from django.db import migrations


def forwards(apps, schema_editor):
    Unit = apps.get_model("organization", "Unit")
    Rollup = apps.get_model("rectification", "UnitRectificationRollup")
    batch = []
    for pk in Unit.objects.values_list("pk", flat=True).iterator():
        batch.append(Rollup(unit_id=pk))
        if len(batch) >= 5000:
            Rollup.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Rollup.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
