"""Give every existing unit and member their study counters (no items exist yet, so every
active member counts as a member with nothing required)."""

from collections import defaultdict

from django.db import migrations


def forwards(apps, schema_editor):
    Unit = apps.get_model("organization", "Unit")
    Member = apps.get_model("organization", "Member")
    Progress = apps.get_model("study", "MemberStudyProgress")
    Rollup = apps.get_model("study", "UnitStudyRollup")
    own = defaultdict(int)
    batch = []
    for pk, unit_id, status in Member.objects.values_list("pk", "unit_id", "status").iterator():
        active = status == "active"
        if active:
            own[unit_id] += 1
        batch.append(Progress(member_id=pk, unit_id=unit_id, active=active))
        if len(batch) >= 5000:
            Progress.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Progress.objects.bulk_create(batch, ignore_conflicts=True)
    units = list(Unit.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in units}
    subtree = defaultdict(int)
    for pk, path in units:
        if own[pk]:
            for end in range(4, len(path) + 1, 4):
                ancestor = by_path.get(path[:end])
                if ancestor is not None:
                    subtree[ancestor] += own[pk]
    Rollup.objects.bulk_create(
        [Rollup(unit_id=pk, members=own[pk], subtree_members=subtree[pk]) for pk, _ in units],
        batch_size=5000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("study", "0001_initial"), ("organization", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
