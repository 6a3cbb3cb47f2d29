"""``chuxin import_members FILE``: add and update members from a CSV or .xlsx roster."""

from chuxin.core.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import members (columns member_number, name, unit_code, gender, cadre_level, position, "
        "is_leading_cadre; Chinese headers accepted) from a CSV or .xlsx file. A file with any "
        "bad row imports nothing."
    )
    kind = "members"
