"""``chuxin import_units FILE``: add, rename and move units from a CSV or .xlsx sheet."""

from chuxin.core.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import units (columns code, name, parent_code, kind, optional order; Chinese headers "
        "accepted) from a CSV or .xlsx file. A file with any bad row imports nothing."
    )
    kind = "units"
