"""``study.progress.recompute_members`` entirely in SQL, for PostgreSQL and many members at once
(a study records import of a million rows): the touched members' states computed from the raw
rows (the statement of :mod:`.progress_sql`), compared with the stored ones, and what changed
applied to the per-unit and per-(unit, item) counters of their units and every unit above, all
set-based, without carrying a row through Python.

The caller fills a temporary table of member ids (``member_id bigint``); everything here runs
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connection

from chuxin.organization.models import Unit

from .deltas import STUDY_METRICS
from .models import MemberStudyProgress, UnitItemProgress, UnitStudyRollup
from .progress import ItemRule, rules_in_force
from .progress_sql import _AS_ROW, _SQL, _params, _tables

# The stored columns that make a member's state (``covered``, ``required_items`` and
# ``done_items`` follow from them).
_STATE = ("unit_id", "active", "required_list", "owed_list", "makeup_list", "makeup_owed",
          "recorded")  # fmt: skip
_TEMP_TABLES = ("study_prog_new", "study_prog_chg", "study_delta_units", "study_delta_items",
                "study_prog_full", "study_delta_above")  # fmt: skip
_FIELDS = ("unit_id", "active", "required_items", "done_items", "covered", "makeup_owed",
           "recorded", "required_list", "owed_list", "makeup_list")  # fmt: skip


def _unit_metrics(alias: str, sign: str) -> str:
    """The :meth:`State.unit_metrics` of a progress row as SQL columns, times ``sign``."""
    a = alias
    required = f"({a}.active AND {a}.required_list <> ',')"
    return ", ".join(
        [
            f"{sign}{a}.active::int AS members",
            f"{sign}{required}::int AS required",
            f"{sign}({required} AND {a}.owed_list = ',')::int AS covered",
            f"{sign}({required} AND NOT {a}.recorded)::int AS never_recorded",
            f"{sign}({a}.active AND {a}.makeup_owed > 0)::int AS makeup_owing",
        ]
    )


def recompute_members_in(
    members_table: str,
    rules: Sequence[ItemRule] | None = None,
    lap: Callable[[str], None] = lambda phase: None,
    *,
    added_items: Sequence[int] | None = None,
) -> int:
    """Recompute the progress of the members listed in ``members_table`` (a temporary table
    with a ``member_id`` column) and apply what changed to the unit and item counters; the
    same result as :func:`study.progress.recompute_members`. Returns how many changed.

    With ``added_items``, all that happened to these members is new live records (not
    make-up) of these items, all in force, and the stored progress is right so far. Then a
    member who was recorded already and owes none of these items is unchanged (an item done
    stays done, one not required stays so, make-up owed is the same): only the others are
    recomputed from their records. Deciding that reads one progress row per member, by its
    key (a million-row import reaches tens of thousands of members, a few per cent of a
    province's: a scan of every progress row would cost more).
    """
    rules = rules_in_force() if rules is None else rules
    qn = connection.ops.quote_name
    progress = qn(MemberStudyProgress._meta.db_table)
    rollup = qn(UnitStudyRollup._meta.db_table)
    items = qn(UnitItemProgress._meta.db_table)
    unit = qn(Unit._meta.db_table)
    step = Unit.steplen
    where = f"IN (SELECT member_id FROM {members_table})"
    with connection.cursor() as cursor:
        for name in _TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE study_prog_new (LIKE {progress} INCLUDING DEFAULTS) "
            "ON COMMIT DROP"
        )
        if added_items is not None:
            # LATERAL ... LIMIT 1: one probe of the progress key per member, in member order.
            owes = " OR ".join(f"strpos(p.owed_list, ',{int(i)},') > 0" for i in added_items)
            cursor.execute(
                "CREATE TEMPORARY TABLE study_prog_full ON COMMIT DROP AS "
                f"SELECT t.member_id FROM (SELECT member_id FROM {members_table} "
                "ORDER BY member_id) t LEFT JOIN LATERAL (SELECT p.recorded "
                f"AND NOT ({owes or 'false'}) AS same FROM {progress} p "
                "WHERE p.member_id = t.member_id LIMIT 1) p ON true "
                "WHERE p.same IS NOT TRUE"
            )
            where = "IN (SELECT member_id FROM study_prog_full)"
        # The new states, as stored rows.
        sql = _SQL.format(select="", members=where, **_tables())
        head, tail = sql.rsplit("FROM m LEFT JOIN agg", 1)
        insert = _AS_ROW.format(progress="study_prog_new")
        cursor.execute(f"{head}{insert}\nFROM m LEFT JOIN agg{tail}", _params(rules, []))
        # Those that differ from what is stored, with the old values beside them.
        old_cols = ", ".join(f"o.{c} AS old_{c}" for c in _STATE)
        differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in _STATE)
        cursor.execute(
            "CREATE TEMPORARY TABLE study_prog_chg ON COMMIT DROP AS "
            f"SELECT n.*, o.member_id IS NOT NULL AS had, {old_cols} "
            f"FROM study_prog_new n LEFT JOIN {progress} o ON o.member_id = n.member_id "
            f"WHERE o.member_id IS NULL OR {differs}"
        )
        changed = cursor.rowcount
        lap("counters: members' states")
        if not changed:
            return 0
        old = "(SELECT old_unit_id AS unit_id, old_active AS active, "
        old += "old_required_list AS required_list, old_owed_list AS owed_list, "
        old += "old_makeup_owed AS makeup_owed, old_recorded AS recorded "
        old += "FROM study_prog_chg WHERE had)"
        sums = ", ".join(f"sum({m}) AS {m}" for m in STUDY_METRICS[:-1])
        nonzero = " OR ".join(f"sum({m}) <> 0" for m in STUDY_METRICS[:-1])
        # Own deltas per unit.
        cursor.execute(
            "CREATE TEMPORARY TABLE study_delta_units ON COMMIT DROP AS "
            f"SELECT unit_id, {sums} FROM ("
            f"SELECT o.unit_id, {_unit_metrics('o', '-')} FROM {old} o "
            f"UNION ALL SELECT n.unit_id, {_unit_metrics('n', '')} FROM study_prog_chg n"
            f") d GROUP BY unit_id HAVING {nonzero}"
        )
        # Own deltas per (unit, item): each required item counts (1, done) for an active member.
        item_rows = (
            "SELECT {a}.unit_id, i::bigint AS item_id, {s}1 AS required, "
            "{s}(strpos({a}.owed_list, ',' || i || ',') = 0)::int AS done "
            "FROM {src} {a}, unnest(string_to_array(btrim({a}.required_list, ','), ',')) i "
            "WHERE {a}.active AND {a}.required_list <> ','"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE study_delta_items ON COMMIT DROP AS "
            "SELECT unit_id, item_id, sum(required) AS required, sum(done) AS done FROM ("
            + item_rows.format(a="o", s="-", src=old)
            + " UNION ALL "
            + item_rows.format(a="n", s="", src="study_prog_chg")
            + ") d GROUP BY unit_id, item_id HAVING sum(required) <> 0 OR sum(done) <> 0"
        )
        lap("counters: deltas")
        # Spread: own deltas to the unit, subtree deltas to it and every unit above (each
        # found by its path, a few per unit with a delta).
        cursor.execute(
            "CREATE TEMPORARY TABLE study_delta_above ON COMMIT DROP AS "
            "SELECT u.id AS unit_id, a.id FROM (SELECT unit_id FROM study_delta_units "
            f"UNION SELECT unit_id FROM study_delta_items) d JOIN {unit} u ON u.id = d.unit_id "
            "CROSS JOIN LATERAL generate_series(1, length(u.path) / %s) k "
            f"CROSS JOIN LATERAL (SELECT id FROM {unit} WHERE path = substr(u.path, 1, k * %s) "
            "LIMIT 1) a",
            [step, step],
        )
        ancestors = "JOIN study_delta_above a ON a.unit_id = d.unit_id"
        own = ", ".join(f"d.{m}" for m in STUDY_METRICS[:-1])
        zeros = ", ".join("0" for _ in STUDY_METRICS[:-1])
        fields = [*STUDY_METRICS[:-1], *(f"subtree_{m}" for m in STUDY_METRICS[:-1])]
        spread_sums = ", ".join(f"sum({f}) AS {f}" for f in fields)
        nonzero_fields = " OR ".join(f"sum({f}) <> 0" for f in fields)
        # One upsert per table, in key order: a few thousand rows of tables with a row per
        # unit (and item), each found by its key.
        last = STUDY_METRICS[-1]  # sessions: not a member's metric
        cursor.execute(
            f"INSERT INTO {rollup} AS t (unit_id, {', '.join(fields)}, {last}, subtree_{last}) "
            f"SELECT unit_id, {spread_sums}, 0, 0 FROM ("
            f"SELECT d.unit_id, {own}, {zeros} FROM study_delta_units d "
            f"UNION ALL SELECT a.id, {zeros}, {own} FROM study_delta_units d {ancestors}"
            f") x ({', '.join(['unit_id', *fields])}) GROUP BY unit_id HAVING {nonzero_fields} "
            "ORDER BY unit_id ON CONFLICT (unit_id) DO UPDATE SET "
            + ", ".join(f"{f} = t.{f} + EXCLUDED.{f}" for f in fields)
        )
        item_fields = ["required", "done", "subtree_required", "subtree_done"]
        cursor.execute(
            f"INSERT INTO {items} AS t (unit_id, item_id, {', '.join(item_fields)}) "
            "SELECT unit_id, item_id, sum(required), sum(done), sum(subtree_required), "
            "sum(subtree_done) "
            "FROM (SELECT d.unit_id, d.item_id, d.required, d.done, 0 AS subtree_required, "
            "0 AS subtree_done FROM study_delta_items d "
            "UNION ALL SELECT a.id, d.item_id, 0, 0, d.required, d.done "
            f"FROM study_delta_items d {ancestors}) x GROUP BY unit_id, item_id "
            "HAVING sum(required) <> 0 OR sum(done) <> 0 OR sum(subtree_required) <> 0 "
            "OR sum(subtree_done) <> 0 ORDER BY unit_id, item_id "
            "ON CONFLICT (unit_id, item_id) DO UPDATE SET "
            + ", ".join(f"{f} = t.{f} + EXCLUDED.{f}" for f in item_fields)
        )
        lap("counters: units and items")
        # Finally the progress rows themselves.
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _FIELDS)
        cursor.execute(
            f"INSERT INTO {progress} (member_id, {', '.join(_FIELDS)}) "
            f"SELECT member_id, {', '.join(_FIELDS)} FROM study_prog_chg "
            f"ON CONFLICT (member_id) DO UPDATE SET {updates}"
        )
        lap("counters: progress rows")
        for name in _TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return changed
