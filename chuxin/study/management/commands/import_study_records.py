"""``chuxin import_study_records FILE``: add study records from a study app's export or a
unit's sheet (CSV or .xlsx)."""

from chuxin.core.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import study records (columns member_number, item, date, hours; Chinese headers "
        "accepted) from a CSV or .xlsx file. A file with any bad row imports nothing; records "
        "already there are skipped, so importing a file twice adds nothing the second time."
    )
    kind = "study_records"
