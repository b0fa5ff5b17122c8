#!/usr/bin/env python3
"""Times DuckDB computing the "counts on a date" report of a dangvu register.

The report is the one `dangvu report counts` answers from its in-memory index
(`Index::breakdown` in crates/storage/src/index/reports.rs, `Breakdown::add` in
crates/domain/src/stats.rs): for a unit and each unit directly under it on the date, the
active members (probationary, official, exempt) whose chi bộ lies in that subtree as the
tree stood that day, with every breakdown (status, women, ethnic minority, religious,
youth union, age bands, average age, party-age thresholds, education, professional,
political theory, occupation, religion).

The register is read from the SQLite file with Python's sqlite3 module and loaded once into
in-memory DuckDB tables (the load is timed separately). Two measurements follow, each run
once to warm up, then --runs times (p50, p95, min and mean are printed):

1. "from the register tables (spans, profiles, closure)": one SQL query that derives
   everything from those tables: the children of the unit and the subtree slot of each unit
   (from the time-sliced closure), each member's span and profile on the date, ages and party
   ages, then the GROUP BY that counts them.
2. "aggregation only over a per-date flat table prepared in advance": a floor for comparison.
   Before the timing, the first part of query 1 (everything except its GROUP BY) is
   materialized as a table with one row per member on the list for that date: row slot
   (the child of the unit, or the unit itself), status, gender, ethnic-minority flag,
   religion, age and party age in full months, and the profile codes (youth union, general
   education, professional, political theory, occupation) with a no-profile flag. That
   preparation is timed once and reported apart ("prepare"). Only the GROUP BY over the
   flat table is timed: the same SQL as the last step of query 1, so the result has the same
   shape.

The script checks that both give the same report (and exits with status 1 if not).

Usage:
    pip install duckdb pyarrow        # pyarrow is optional; without it the load goes via CSV
    python3 scripts/bench-duckdb.py --database /path/bench.sqlite3 --date 2026-11-25
    python3 scripts/bench-duckdb.py --database /path/bench.sqlite3 --date 2025-06-30 \\
        --unit T01 --runs 50 --compare counts.json

--unit takes a unit code (as of the date) or a numeric unit id; by default the root of the
tree on the date (the province). --compare reads the JSON of
`dangvu report counts --unit ID --date DATE --format json` and checks every number of both
results against it (a verdict for each). --json writes the result of measurement 1.
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time

import duckdb

try:
    import pyarrow as pa
except ImportError:  # loading falls back to a temporary CSV file
    pa = None

# Code lists in the order of their `ALL` lists (crates/domain/src/member.rs, history.rs):
# each breakdown vector is indexed by these positions.
STATUS = ["du-bi", "chinh-thuc", "mien-sinh-hoat", "da-chuyen-di", "xoa-ten", "ra-khoi-dang", "khai-tru", "tu-tran"]
ACTIVE = ["du-bi", "chinh-thuc", "mien-sinh-hoat"]
OUT_OF_PARTY = ["xoa-ten", "ra-khoi-dang", "khai-tru"]
GENDER = ["nam", "nu"]
ETHNICITY = [
    "kinh", "tay", "thai", "hoa", "kho-me", "muong", "nung", "mong", "dao", "gia-rai", "e-de", "ngai",
    "ba-na", "xo-dang", "san-chay", "co-ho", "cham", "san-diu", "hre", "mnong", "raglai", "xtieng",
    "bru-van-kieu", "tho", "giay", "co-tu", "gie-trieng", "ma", "kho-mu", "co", "ta-oi", "cho-ro",
    "khang", "xinh-mun", "ha-nhi", "chu-ru", "lao", "la-chi", "la-ha", "phu-la", "la-hu", "lu",
    "lo-lo", "chut", "mang", "pa-then", "co-lao", "cong", "bo-y", "si-la", "pu-peo", "brau", "o-du",
    "ro-mam", "khac", "goc-nuoc-ngoai",
]
RELIGION = ["khong", "phat-giao", "cong-giao", "hoa-hao", "cao-dai", "tin-lanh", "hoi-giao", "khac"]
GENERAL_EDUCATION = ["biet-doc-viet", "tieu-hoc", "thcs", "thpt"]
PROFESSIONAL = ["khong", "so-cap", "trung-cap", "cao-dang", "dai-hoc", "thac-si", "tien-si"]
POLITICAL_THEORY = ["khong", "so-cap", "trung-cap", "cao-cap", "cu-nhan"]
OCCUPATION = [
    "cbcc-nha-nuoc", "cbcc-dang-doan-the", "cbcc-cap-xa", "khong-chuyen-trach-thon", "vien-chuc",
    "su-nghiep-ngoai-cong-lap", "dn-quan-ly", "dn-nhan-vien", "dn-cong-nhan", "nong-lam-ngu",
    "luc-luong-vu-trang", "sinh-vien", "hoc-sinh", "khac", "nghi-huu",
]
ENUMS = {
    "status_t": STATUS,
    "gender_t": GENDER,
    "ethnicity_t": ETHNICITY,
    "religion_t": RELIGION,
    "general_education_t": GENERAL_EDUCATION,
    "professional_t": PROFESSIONAL,
    "political_theory_t": POLITICAL_THEORY,
    "occupation_t": OCCUPATION,
}
PARTY_AGE_THRESHOLDS = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
DEFAULT_AGE_BANDS = [30, 35, 40, 45, 50, 55, 60]

# Scalar fields of a breakdown, in the order of `Breakdown` (crates/domain/src/stats.rs).
SCALARS = ["total", "probationary", "official", "exempt", "women", "ethnic_minority", "religious", "youth_union"]

# DuckDB tables: (name, columns with types, SQLite query). The loader orders rows like the
# index does (members by id; spans by member, start; profiles by member, start with "since
# always" first, id) and numbers them, so "first span" and "latest profile" keep their meaning.
TABLES = [
    (
        "members",
        [("id", "BIGINT"), ("gender", "gender_t"), ("birth_date", "DATE"), ("ethnicity", "ethnicity_t"),
         ("religion", "religion_t")],
        "SELECT id, gender, birth_date, ethnicity, religion FROM members ORDER BY id",
    ),
    (
        "spans",
        [("seq", "BIGINT"), ("member_id", "BIGINT"), ("unit_id", "BIGINT"), ("status", "status_t"),
         ("valid_from", "DATE"), ("valid_to", "DATE")],
        "SELECT member_id, unit_id, status, valid_from, valid_to FROM membership_spans "
        "ORDER BY member_id, valid_from, rowid",
    ),
    (
        "profiles",
        [("seq", "BIGINT"), ("id", "BIGINT"), ("member_id", "BIGINT"), ("valid_from", "DATE"),
         ("general_education", "general_education_t"), ("professional", "professional_t"),
         ("political_theory", "political_theory_t"), ("occupation", "occupation_t"), ("youth_union", "BOOLEAN")],
        "SELECT id, member_id, valid_from, general_education, professional, political_theory, occupation, "
        "youth_union != 0 FROM member_profiles ORDER BY member_id, valid_from IS NOT NULL, valid_from, id",
    ),
    (
        "unit_versions",
        [("unit_id", "BIGINT"), ("valid_from", "DATE"), ("valid_to", "DATE"), ("kind", "VARCHAR"),
         ("code", "VARCHAR"), ("name", "VARCHAR"), ("parent_id", "BIGINT")],
        "SELECT unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions "
        "ORDER BY unit_id, valid_from",
    ),
    (
        "closure",
        [("ancestor_id", "BIGINT"), ("descendant_id", "BIGINT"), ("depth", "INTEGER"), ("valid_from", "DATE"),
         ("valid_to", "DATE")],
        "SELECT ancestor_id, descendant_id, depth, valid_from, valid_to FROM unit_closure",
    ),
]
NUMBERED = {"spans", "profiles"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database", required=True, help="dangvu SQLite file (sqlite:// prefix accepted)")
    p.add_argument("--date", help="report date YYYY-MM-DD (default: today in Vietnam, UTC+7)")
    p.add_argument("--unit", help="unit code or id (default: the root unit on the date)")
    p.add_argument("--runs", type=int, default=30, help="timed runs after one warm-up run (default 30)")
    p.add_argument("--age-bands", default=",".join(map(str, DEFAULT_AGE_BANDS)),
                   help="upper bounds of the age bands (default 30,35,40,45,50,55,60)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's own choice)")
    p.add_argument("--compare", metavar="JSON", help="output of `dangvu report counts --format json` to check against")
    p.add_argument("--json", metavar="PATH", help="write the computed report (same shape as dangvu's) to PATH")
    a = p.parse_args()
    if a.database.startswith("sqlite://"):
        a.database = a.database[len("sqlite://"):]
    elif a.database.startswith("sqlite:"):
        a.database = a.database[len("sqlite:"):]
    if a.date:
        a.date = dt.date.fromisoformat(a.date)
    else:
        a.date = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=7)).date()
    a.age_bands = [int(x) for x in a.age_bands.split(",") if x.strip()]
    if not a.age_bands or any(b >= c for b, c in zip(a.age_bands, a.age_bands[1:])):
        p.error("--age-bands: strictly increasing whole numbers")
    if a.runs < 1:
        p.error("--runs must be at least 1")
    return a


def load(sq, con):
    """Copies the register tables into DuckDB; returns {table: rows}."""
    for name, values in ENUMS.items():
        con.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(sql_str(v) for v in values)})")
    counts = {}
    for table, columns, query in TABLES:
        rows = sq.execute(query).fetchall()
        names = [c for c, _ in columns]
        con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns)})")
        source = names[1:] if table in NUMBERED else names
        data = list(zip(*rows)) if rows else [() for _ in source]
        if table in NUMBERED:
            data = [range(len(rows))] + data
        # The staging columns are plain text/numbers; the INSERT casts them to dates and enums
        # (an unknown code fails here, as it fails dangvu's loading).
        select = ", ".join(f"CAST({c} AS {t})" for c, t in columns)
        if pa is not None:
            staged = pa.table({c: pa.array(list(col)) if len(col) else pa.array([], pa.string())
                               for c, col in zip(names, data)})
            con.register("staged", staged)
            con.execute(f"INSERT INTO {table} SELECT {select} FROM staged")
            con.unregister("staged")
        else:
            with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as f:
                csv.writer(f).writerows(zip(*data))
            try:
                types = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in names) + "}"
                con.execute(f"INSERT INTO {table} SELECT {select} FROM read_csv('{f.name}', header=false, "
                            f"columns={types}, nullstr='')")
            finally:
                os.unlink(f.name)
        counts[table] = len(rows)
    # Full months between two dates, as domain::dates::full_months_between counts them (the
    # month is complete once the same day of month is reached, or the month's last day): DuckDB's
    # date_sub('month', a, b) counts the same way for a <= b (checked against it on
    # month-end combinations); 0 when b is before a.
    con.execute("CREATE MACRO full_months(a, b) AS greatest(date_sub('month', a, b), 0)")
    return counts


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def sql_list(values):
    return "(" + ", ".join(sql_str(v) for v in values) + ")"


def facts_ctes(root, on):
    """The WITH clauses that resolve the register for the date, ending in `facts`: one row per
    member on the list with every input of the aggregation (FLAT_COLUMNS)."""
    d = f"DATE '{on.isoformat()}'"
    return f"""
WITH
-- Units directly under the root on the date.
kids AS (
    SELECT descendant_id AS child FROM closure
    WHERE ancestor_id = {root} AND depth = 1
      AND valid_from <= {d} AND (valid_to IS NULL OR {d} < valid_to)
),
-- slot of every unit in the root's subtree on the date: the child whose subtree holds it, or
-- the root itself.
slots AS (
    SELECT c.descendant_id AS unit_id, k.child AS slot
    FROM closure c JOIN kids k ON c.ancestor_id = k.child
    WHERE c.valid_from <= {d} AND (c.valid_to IS NULL OR {d} < c.valid_to)
    UNION ALL
    SELECT {root}, {root}
),
-- Each member's span on the date (the first one covering it).
span_on AS (
    SELECT member_id, arg_min({{'unit_id': unit_id, 'status': status}}, seq) AS s
    FROM spans
    WHERE valid_from <= {d} AND (valid_to IS NULL OR {d} < valid_to)
    GROUP BY member_id
),
-- Members on the list: active, in a unit of the subtree.
listed AS (
    SELECT o.member_id, o.s.status AS status, sl.slot
    FROM span_on o JOIN slots sl ON sl.unit_id = o.s.unit_id
    WHERE o.s.status IN {sql_list(ACTIVE)}
),
-- Party age (domain::history::party_age_months): from the first probationary or official
-- span, up to the date or death, minus the months struck off, exited or expelled.
party AS (
    SELECT s.member_id,
           min(s.valid_from) FILTER (WHERE s.status IN ('du-bi', 'chinh-thuc')) AS first_admission,
           least(coalesce(min(s.valid_from) FILTER (WHERE s.status = 'tu-tran'), {d}), {d}) AS end_d
    FROM spans s SEMI JOIN listed l ON l.member_id = s.member_id
    GROUP BY s.member_id
),
time_out AS (
    SELECT p.member_id,
           sum(full_months(s.valid_from, least(coalesce(s.valid_to, p.end_d), p.end_d))) AS months
    FROM party p JOIN spans s ON s.member_id = p.member_id
    WHERE s.status IN {sql_list(OUT_OF_PARTY)} AND s.valid_from < p.end_d
    GROUP BY p.member_id
),
party_age AS (
    SELECT p.member_id,
           CASE WHEN p.first_admission IS NULL OR {d} < p.first_admission THEN NULL
                ELSE greatest(full_months(p.first_admission, p.end_d) - coalesce(t.months, 0), 0) END AS months
    FROM party p LEFT JOIN time_out t ON t.member_id = p.member_id
),
-- The profile in force: the last (in load order) that starts on or before the date or has no start.
profile_on AS (
    SELECT p.member_id,
           arg_max({{'ge': general_education, 'pro': professional, 'pt': political_theory,
                     'occ': occupation, 'yu': youth_union}}, seq) AS p
    FROM profiles p SEMI JOIN listed l ON l.member_id = p.member_id
    WHERE p.valid_from IS NULL OR p.valid_from <= {d}
    GROUP BY p.member_id
),
-- One flat row per member on the list (the columns of FLAT_COLUMNS).
facts AS (
    SELECT l.slot, l.status, m.gender, m.ethnicity <> 'kinh' AS minority, m.religion,
           full_months(m.birth_date, {d}) AS age_m, pa.months AS party_age_m,
           pr.p.yu AS youth_union, pr.p.ge AS general_education, pr.p.pro AS professional,
           pr.p.pt AS political_theory, pr.p.occ AS occupation, pr.p IS NULL AS no_profile
    FROM listed l
    JOIN members m ON m.id = l.member_id
    LEFT JOIN party_age pa ON pa.member_id = l.member_id
    LEFT JOIN profile_on pr ON pr.member_id = l.member_id
)
"""


# Columns of `facts` and of the flat table prepared for the aggregation-only measurement.
FLAT_COLUMNS = ["slot", "status", "gender", "minority", "religion", "age_m", "party_age_m", "youth_union",
                "general_education", "professional", "political_theory", "occupation", "no_profile"]


def aggregation(source, bands):
    """The GROUP BY over one flat row per member (FLAT_COLUMNS) read from `source`: a row per
    slot (each child of the root, and the root itself for the members directly in it) and a
    grand-total row (slot NULL)."""
    band_case = "CASE " + " ".join(f"WHEN age_m // 12 <= {u} THEN {i}" for i, u in enumerate(bands)) + f" ELSE {len(bands)} END"

    def per_code(column, values):
        return "[" + ", ".join(f"count_if({column} = {sql_str(v)})" for v in values) + "]"

    age = "[" + ", ".join(f"count_if(band = {i})" for i in range(len(bands) + 1)) + "]"
    party_age = "[" + ", ".join(f"count_if(party_age_m >= {t * 12})" for t in PARTY_AGE_THRESHOLDS) + "]"
    return f"""
SELECT
    slot,
    count(*) AS total,
    count_if(status = 'du-bi') AS probationary,
    count_if(status NOT IN ('du-bi', 'mien-sinh-hoat')) AS official,
    count_if(status = 'mien-sinh-hoat') AS exempt,
    count_if(gender = 'nu') AS women,
    count_if(minority) AS ethnic_minority,
    count_if(religion <> 'khong') AS religious,
    count_if(youth_union) AS youth_union,
    {age} AS age,
    coalesce(sum(age_m), 0)::BIGINT AS age_months_sum,
    {party_age} AS party_age,
    {per_code('general_education', GENERAL_EDUCATION)} AS general_education,
    {per_code('professional', PROFESSIONAL)} AS professional,
    {per_code('political_theory', POLITICAL_THEORY)} AS political_theory,
    {per_code('occupation', OCCUPATION)} AS occupation,
    {per_code('religion', RELIGION)} AS religion,
    count_if(no_profile) AS no_profile
FROM (SELECT *, {band_case} AS band FROM {source})
GROUP BY GROUPING SETS ((slot), ())
"""


def counts_query(root, on, bands):
    """The report as one query from the register tables (spans, profiles, closure)."""
    return facts_ctes(root, on) + aggregation("facts", bands)


def flat_table_sql(root, on, table="flat"):
    """Materializes `facts` for the date as a table (the untimed preparation)."""
    return f"CREATE OR REPLACE TABLE {table} AS {facts_ctes(root, on)} SELECT {', '.join(FLAT_COLUMNS)} FROM facts"


FIELDS = SCALARS + ["age", "age_months_sum", "party_age", "general_education", "professional",
                    "political_theory", "occupation", "religion", "no_profile"]


def empty_breakdown(bands):
    b = {f: 0 for f in FIELDS}
    b.update(age=[0] * (len(bands) + 1), party_age=[0] * len(PARTY_AGE_THRESHOLDS),
             general_education=[0] * len(GENERAL_EDUCATION), professional=[0] * len(PROFESSIONAL),
             political_theory=[0] * len(POLITICAL_THEORY), occupation=[0] * len(OCCUPATION),
             religion=[0] * len(RELIGION))
    return b


def average_age(b):
    # Rounded to one decimal, halves away from zero like f64::round.
    if not b["total"]:
        return None
    return int(b["age_months_sum"] / b["total"] / 12.0 * 10.0 + 0.5) / 10.0


def resolve_unit(con, spec, on):
    """(unit id, version row on the date) for a code or id; the root on the date by default."""
    d = on.isoformat()
    covers = "valid_from <= CAST(? AS DATE) AND (valid_to IS NULL OR CAST(? AS DATE) < valid_to)"
    cols = "unit_id, kind, code, name, parent_id, valid_from, valid_to"
    if spec is None:
        rows = con.execute(f"SELECT {cols} FROM unit_versions WHERE parent_id IS NULL AND {covers} ORDER BY unit_id",
                           [d, d]).fetchall()
        if not rows:
            sys.exit(f"no root unit on {d}")
        if len(rows) > 1:
            print(f"note: {len(rows)} root units on {d}; using the first ({rows[0][2]})", file=sys.stderr)
        return rows[0]
    rows = []
    if spec.isdigit():
        rows = con.execute(f"SELECT {cols} FROM unit_versions WHERE unit_id = ? AND {covers}", [int(spec), d, d]).fetchall()
    if not rows:
        rows = con.execute(f"SELECT {cols} FROM unit_versions WHERE code = ? AND {covers} ORDER BY unit_id",
                           [spec, d, d]).fetchall()
    if not rows:
        sys.exit(f"no unit with id or code {spec!r} on {d}")
    return rows[0]


def summary(row):
    unit_id, kind, code, name, parent_id, valid_from, valid_to = row
    return {"id": unit_id, "kind": kind, "code": code, "name": name, "parent_id": parent_id,
            "valid_from": valid_from.isoformat(), "valid_to": valid_to.isoformat() if valid_to else None}


def build_report(con, rows, root_row, on, bands):
    """The query's rows in the shape of dangvu's CountsReport (children in unit order)."""
    root = root_row[0]
    kids = [r[0] for r in con.execute(
        "SELECT descendant_id FROM closure WHERE ancestor_id = ? AND depth = 1 AND valid_from <= CAST(? AS DATE) "
        "AND (valid_to IS NULL OR CAST(? AS DATE) < valid_to) ORDER BY descendant_id",
        [root, on.isoformat(), on.isoformat()]).fetchall()]
    by_slot = {}
    total = empty_breakdown(bands)
    for r in rows:
        b = dict(zip(["slot"] + FIELDS, r))
        slot = b.pop("slot")
        if slot is None:
            total = b
        else:
            by_slot[slot] = b
    children = []
    for k in kids:
        version = resolve_unit(con, str(k), on)
        children.append((summary(version), by_slot.get(k, empty_breakdown(bands))))
    labels, low = [], 18
    for u in bands:
        labels.append(f"{low}–{u}")
        low = u + 1
    labels.append(f"Trên {bands[-1]}")
    return {"unit": summary(root_row), "on": on.isoformat(), "age_bands": labels, "total": total,
            "children": [[s, b] for s, b in children]}, by_slot.get(root)


def compare(ours, path):
    """Checks every number against dangvu's JSON; returns the list of differences."""
    with open(path, encoding="utf-8") as f:
        theirs = json.load(f)
    diffs = []
    if theirs.get("on") != ours["on"] or theirs["unit"]["id"] != ours["unit"]["id"]:
        diffs.append(f"different report: dangvu {theirs['unit']['id']} on {theirs.get('on')}, "
                     f"here {ours['unit']['id']} on {ours['on']}")
    pairs = [("total", theirs["total"], ours["total"])]
    mine = {s["id"]: b for s, b in ours["children"]}
    seen = set()
    for head, b in theirs["children"]:
        # Rows are {"unit": {...}, "group": "unit" | "direct" | "dissolved", ...}; only unit
        # rows have a counterpart here.
        if head.get("group", "unit") != "unit":
            continue
        s = head.get("unit", head)
        seen.add(s["id"])
        if s["id"] not in mine:
            diffs.append(f"child {s['id']} ({s['code']}) missing here")
        else:
            pairs.append((f"child {s['id']} {s['code']}", b, mine[s["id"]]))
    diffs += [f"child {u} only here" for u in mine if u not in seen]
    for where, a, b in pairs:
        for f in FIELDS:
            if a.get(f) != b.get(f):
                diffs.append(f"{where}: {f}: dangvu {a.get(f)} != duckdb {b.get(f)}")
    return diffs, len(pairs)


def percentile(sorted_values, q):
    # Nearest rank.
    i = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[i]


def timed(con, label, query, runs):
    """Runs `query` once to warm up, then `runs` times; prints the times, returns the rows."""
    rows = con.execute(query).fetchall()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        rows = con.execute(query).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{label}: {runs} warm runs: p50 {percentile(times, 0.50):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
          f"min {times[0]:.2f} ms, mean {statistics.fmean(times):.2f} ms")
    return rows


def main():
    a = parse_args()
    if not os.path.exists(a.database):
        sys.exit(f"no such file: {a.database}")
    con = duckdb.connect(":memory:")
    if a.threads:
        con.execute(f"SET threads = {int(a.threads)}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"DuckDB {duckdb.__version__} (threads {threads}), loader: {'pyarrow ' + pa.__version__ if pa else 'csv'}")

    t0 = time.perf_counter()
    sq = sqlite3.connect(f"file:{a.database}?mode=ro", uri=True)
    counts = load(sq, con)
    sq.close()
    load_ms = (time.perf_counter() - t0) * 1000
    print(f"load from {a.database}: {load_ms:.0f} ms")
    for table, n in counts.items():
        in_duck = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        print(f"  {table:<14} {n:>10} rows" + ("" if in_duck == n else f" (DuckDB has {in_duck}!)"))

    root_row = resolve_unit(con, a.unit, a.date)
    root = root_row[0]
    query = counts_query(root, a.date, a.age_bands)
    print(f"report: {root_row[3]} [{root_row[2]}, id {root}] on {a.date.isoformat()}, age bands {a.age_bands}")

    # 1. The whole report from the loaded register tables.
    rows = timed(con, "query from the register tables (spans, profiles, closure)", query, a.runs)

    # 2. Only the GROUP BY, over the flat table of the date's inputs (FLAT_COLUMNS) prepared
    # beforehand; the preparation is timed once and reported apart.
    t0 = time.perf_counter()
    con.execute(flat_table_sql(root, a.date))
    prepare_ms = (time.perf_counter() - t0) * 1000
    flat_rows = con.execute("SELECT count(*) FROM flat").fetchone()[0]
    print(f"prepare (untimed, not part of the next line): per-date flat table of {flat_rows} rows "
          f"in {prepare_ms:.0f} ms")
    agg_rows = timed(con, "aggregation only over a per-date flat table prepared in advance",
                     aggregation("flat", a.age_bands), a.runs)

    report, own = build_report(con, rows, root_row, a.date, a.age_bands)
    t = report["total"]
    print(f"members counted: {t['total']} (probationary {t['probationary']}, official {t['official']}, "
          f"exempt {t['exempt']}); women {t['women']}, ethnic minority {t['ethnic_minority']}, "
          f"religious {t['religious']}, youth union {t['youth_union']}, average age {average_age(t)}, "
          f"no profile {t['no_profile']}")
    print(f"  age bands {t['age']}  party age >= {PARTY_AGE_THRESHOLDS}: {t['party_age']}")
    print(f"  {'id':>6}  {'code':<14} {'total':>7} {'prob':>6} {'offic':>7} {'exempt':>6} {'women':>6} "
          f"{'minor':>6} {'relig':>6} {'youth':>6} {'avg age':>7}  name")
    lines = [(s, b) for s, b in report["children"]]
    if own is not None:
        lines.append(({"id": root, "code": "(directly)", "name": root_row[3]}, own))
    for s, b in lines:
        print(f"  {s['id']:>6}  {s['code']:<14} {b['total']:>7} {b['probationary']:>6} {b['official']:>7} "
              f"{b['exempt']:>6} {b['women']:>6} {b['ethnic_minority']:>6} {b['religious']:>6} "
              f"{b['youth_union']:>6} {str(average_age(b)):>7}  {s['name']}")

    agg_report, _ = build_report(con, agg_rows, root_row, a.date, a.age_bands)
    same = agg_report == report
    print(f"aggregation-only result {'equals' if same else 'DIFFERS FROM'} the full query's result")

    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=2)
    failed = not same
    if a.compare:
        for label, r in (("from the register tables", report), ("aggregation only", agg_report)):
            diffs, n = compare(r, a.compare)
            if diffs:
                failed = True
                print(f"compare ({label}) with {a.compare}: {len(diffs)} differences")
                for d in diffs[:50]:
                    print("  " + d)
            else:
                print(f"compare ({label}) with {a.compare}: identical ({n} breakdowns, every field)")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
