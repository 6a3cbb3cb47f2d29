"""The member arithmetic of ``study.progress`` as one SQL statement, for PostgreSQL and many
members at once (imports, bulk API writes): the same states, without a round trip per chunk
of 5,000 members nor Python loops over their records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from chuxin.organization.models import Member, Unit

from .models import MemberStudyProgress, SessionAttendance, StudyItem, StudyRecord, StudySession
from .progress import ItemRule, State, text_ids

_SQL = """
WITH rules(item_id, level, prefixes, times, hours) AS (
    SELECT item_id, level, string_to_array(prefixes, ' '), times, hours
    FROM unnest(%(r_item)s::bigint[], %(r_level)s::text[], %(r_prefix)s::text[],
                %(r_times)s::int[], %(r_hours)s::numeric[])
         AS x(item_id, level, prefixes, times, hours)
),
m AS (
    SELECT mem.id AS member_id, mem.unit_id, u.path, mem.cadre_level AS level,
           mem.status = 'active' AS active
    FROM {member} mem JOIN {unit} u ON u.id = mem.unit_id
    WHERE mem.id {members}
),
rec AS (
    SELECT r.member_id, r.item_id, count(*) AS n, coalesce(sum(r.hours), 0) AS h,
           count(*) FILTER (WHERE r.is_makeup) AS mk
    FROM {record} r JOIN {item} i ON i.id = r.item_id
    WHERE r.member_id {members} AND r.archived_at IS NULL AND i.archived_at IS NULL
    GROUP BY r.member_id, r.item_id
),
ab AS (
    SELECT a.member_id, s.item_id, count(*) AS n
    FROM {attendance} a JOIN {session} s ON s.id = a.session_id JOIN {item} i ON i.id = s.item_id
    WHERE a.member_id {members} AND NOT a.present AND s.archived_at IS NULL
          AND i.archived_at IS NULL
    GROUP BY a.member_id, s.item_id
),
req AS (
    SELECT m.member_id, r.item_id, r.times, r.hours
    FROM m JOIN rules r ON r.level = m.level
         AND (starts_with(m.path, r.prefixes[1])
              OR EXISTS (SELECT 1 FROM unnest(r.prefixes[2:]) p WHERE starts_with(m.path, p)))
    WHERE m.active
),
per AS (
    SELECT req.member_id, req.item_id,
           greatest(coalesce(ab.n, 0) - coalesce(rec.mk, 0), 0) AS owe,
           (coalesce(rec.n, 0) >= req.times
            AND (req.hours IS NULL OR coalesce(rec.h, 0) >= req.hours)
            AND coalesce(ab.n, 0) <= coalesce(rec.mk, 0)) AS done
    FROM req LEFT JOIN rec USING (member_id, item_id) LEFT JOIN ab USING (member_id, item_id)
),
agg AS (
    SELECT member_id, count(*) AS n_required, count(*) FILTER (WHERE done) AS n_done,
           string_agg(item_id::text, ',' ORDER BY item_id) AS required,
           string_agg(item_id::text, ',' ORDER BY item_id) FILTER (WHERE NOT done) AS owed,
           string_agg(item_id::text, ',' ORDER BY item_id) FILTER (WHERE owe > 0) AS makeup,
           sum(owe) AS makeup_owed
    FROM per GROUP BY member_id
),
cnt AS (SELECT DISTINCT member_id FROM rec)
{select}
FROM m LEFT JOIN agg USING (member_id) LEFT JOIN cnt USING (member_id)
"""

_AS_VALUES = """SELECT m.member_id, m.unit_id, m.active, agg.required, agg.owed, agg.makeup,
       coalesce(agg.makeup_owed, 0), cnt.member_id IS NOT NULL"""

# The stored row, column for column (``,3,5,`` lists; ``,`` for none).
_AS_ROW = """INSERT INTO {progress} (member_id, unit_id, active, required_items, done_items,
    covered, makeup_owed, recorded, required_list, owed_list, makeup_list)
SELECT m.member_id, m.unit_id, m.active, coalesce(agg.n_required, 0), coalesce(agg.n_done, 0),
       m.active AND coalesce(agg.n_required, 0) > 0 AND agg.n_required = agg.n_done,
       coalesce(agg.makeup_owed, 0), cnt.member_id IS NOT NULL,
       ',' || coalesce(agg.required || ',', ''), ',' || coalesce(agg.owed || ',', ''),
       ',' || coalesce(agg.makeup || ',', '')"""


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    return {
        "member": qn(Member._meta.db_table),
        "unit": qn(Unit._meta.db_table),
        "record": qn(StudyRecord._meta.db_table),
        "item": qn(StudyItem._meta.db_table),
        "attendance": qn(SessionAttendance._meta.db_table),
        "session": qn(StudySession._meta.db_table),
    }


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(i) for i in text.split(",")) if text else ()


def _members(ids: Iterable[int]) -> tuple[str, dict[str, Any]]:
    """The member filter: a primary-key range (index range scans) or a list of ids."""
    if isinstance(ids, range) and ids.step == 1:
        return "BETWEEN %(lo)s AND %(hi)s", {"lo": ids.start, "hi": ids.stop - 1}
    return "= ANY(%(ids)s)", {"ids": list(ids)}


def _params(rules: Sequence[ItemRule], ids: Iterable[int]) -> dict[str, Any]:
    # One row per (item, level); an item's reach as its paths joined by spaces (paths are
    # treebeard's alphanumeric steps, never a space).
    flat = [(r.id, level, " ".join(r.prefixes), r.times, r.hours) for r in rules
            for level in r.levels]  # fmt: skip
    return {
        "r_item": [f[0] for f in flat],
        "r_level": [f[1] for f in flat],
        "r_prefix": [f[2] for f in flat],
        "r_times": [f[3] for f in flat],
        "r_hours": [f[4] for f in flat],
    }


def compute_states_sql(rules: Sequence[ItemRule], ids: Iterable[int]) -> dict[int, State]:
    """What :func:`study.progress.compute_states` gives for these members, in one statement."""
    states: dict[int, State] = {}
    with connection.cursor() as cursor:
        where, extra = _members(ids)
        sql = _SQL.format(select=_AS_VALUES, members=where, **_tables())
        cursor.execute(sql, _params(rules, ids) | extra)
        for member_id, unit_id, active, req, owed, makeup, makeup_owed, recorded in cursor:
            states[member_id] = State(
                member_id=member_id,
                unit_id=unit_id,
                active=active,
                required=_ids(req),
                owed=_ids(owed),
                makeup=_ids(makeup),
                makeup_owed=int(makeup_owed),
                recorded=bool(recorded),
            )
    return states


def stored_states_sql(ids: Sequence[int]) -> dict[int, State]:
    """The stored progress of these members (one statement)."""
    table = connection.ops.quote_name(MemberStudyProgress._meta.db_table)
    out: dict[int, State] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT member_id, unit_id, active, required_list, owed_list, makeup_list, "
            f"makeup_owed, recorded FROM {table} WHERE member_id = ANY(%s)",
            [list(ids)],
        )
        for member_id, unit_id, active, req, owed, makeup, makeup_owed, recorded in cursor:
            out[member_id] = State(
                member_id=member_id,
                unit_id=unit_id,
                active=active,
                required=text_ids(req),
                owed=text_ids(owed),
                makeup=text_ids(makeup),
                makeup_owed=makeup_owed,
                recorded=recorded,
            )
    return out


def save_states_sql(states: Sequence[State]) -> None:
    """Upsert many members' progress: ``COPY`` into a temporary table, then one statement."""
    table = connection.ops.quote_name(MemberStudyProgress._meta.db_table)
    names = ["member_id", *State.field_names()]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS study_progress_load "
            f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE study_progress_load")
        with cursor.cursor.copy(
            f"COPY study_progress_load ({', '.join(names)}) FROM STDIN"
        ) as copy:
            for state in states:
                fields = state.fields()
                copy.write_row((state.member_id, *(fields[n] for n in State.field_names())))
        updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in State.field_names())
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) "
            f"SELECT {', '.join(names)} FROM study_progress_load "
            f"ON CONFLICT (member_id) DO UPDATE SET {updates}"
        )


def insert_states_sql(rules: Sequence[ItemRule], ids: Iterable[int]) -> int:
    """Write these members' progress straight from the raw rows (into an empty table: the
    first refresh after a bulk load). Returns the rows written."""
    progress = connection.ops.quote_name(MemberStudyProgress._meta.db_table)
    where, extra = _members(ids)
    sql = _SQL.format(select="", members=where, **_tables())
    insert = _AS_ROW.format(progress=progress)
    # The INSERT goes before the CTE's final SELECT: WITH ... INSERT ... SELECT.
    head, tail = sql.rsplit("FROM m LEFT JOIN agg", 1)
    with connection.cursor() as cursor:
        cursor.execute(f"{head}{insert}\nFROM m LEFT JOIN agg{tail}", _params(rules, ids) | extra)
        return cursor.rowcount


def analyze() -> None:
    """Fresh statistics for the tables the statements read (after a bulk load, before the
    first refresh: without them the planner guesses the tables are empty)."""
    tables = [m._meta.db_table for m in (Member, Unit, StudyRecord, SessionAttendance,
                                          StudySession, MemberStudyProgress)]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
