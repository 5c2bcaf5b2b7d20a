"""The screens' results kept in the store (documents/audit/screen_cache.py): a store audited file by file
reports exactly what one audit of all the files reports — the same findings at the same cells with the
same messages, verdicts and figures — also when thresholds change, the catalog changes, a file is
replaced, or the kept results are tampered with."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_audit import Proj, person, row, write_catalog, write_outcomes
from test_store import audit

from zjcredit.documents.audit.screen_cache import SCHEMA
from zjcredit.domain.idcard import make_id
from zjcredit.screens import load_screens

XH = Proj("330106-2019H1-001", "电工实操", "企业职工培训", "企业职工", "XH01", "西湖成校", (8, 120, 90), scale=12)
YZ = Proj("330212-2019H1-001", "叉车", "企业职工培训", "企业职工、外来务工人员", "YZ01", "鄞州成校", (10, 60))
LN = Proj("330110-2019H1-002", "太极", "老年教育培训", "老年群体", "YH01", "良渚成校", (24,), scale=8)
PROJECTS = [XH, YZ, LN]
# Thresholds low enough for a small corpus to trip every screen.
# Kept besides the screens' results: the figures' learners (and their counts, and the error screens'
# records they were kept with), and the records' sums the verdicts and figures start from.
COUNTED = {"learners", "audited sums"}
# The screens' kept tables: one per screen with a partition, those a screen without one names.
KEPT = {
    *(rule for rule, s in load_screens().items() if s.partition is not None),
    *(name for s in load_screens().values() if s.kept is not None for name in s.kept.tables),
}
LOW = ("--phone-shared-project", "3", "--phone-shared-total", "4", "--same-birthdate", "3", "--max-hours", "150", "--id-run", "3")


def outcome(rng: random.Random, k: int) -> dict[str, Any]:
    """A row of learner ``k`` (learners recur across files), now and then with what a screen looks for."""
    proj = rng.choice(PROJECTS)
    course = rng.randint(1, len(proj.courses))
    r = row(k, proj, course, born=1950 if proj is LN else 1980, date=f"2019-0{rng.randint(1, 6)}-1{rng.randint(0, 9)}")
    roll = rng.random()
    if roll < 0.08:
        r["姓名"] = f"别名{k}"  # the same ID under another name
    elif roll < 0.16:
        r["联系电话"] = "13900001111"  # a phone many learners give
    elif roll < 0.22:  # born the same day as others in the project
        r["身份证号"] = make_id("330106", dt.date(1980, 5, 5), 100 + k)
    elif roll < 0.26:
        r["课程编码"] = f"{proj.code}-09"  # no such course
    elif roll < 0.30:
        r["完成日期"] = "2018-12-01"  # before the period
    elif roll < 0.40:  # consecutive IDs
        r["身份证号"] = make_id("330106", dt.date(1981, 3, 3), 500 + k % 6)
    return r


def corpus(folder: Path, seed: int, files: int = 4) -> list[str]:
    rng = random.Random(seed)
    write_catalog(folder / "目录.xlsx", "2019H1", PROJECTS)
    names = []
    for f in range(files):
        rows = [outcome(rng, rng.randint(1, 60)) for _ in range(rng.randint(15, 40))]
        name = f"成果/{f:02d}.{'csv' if f % 2 else 'xlsx'}"
        write_outcomes(folder / name, rows)
        names.append(name)
    return names


def summary(doc: dict[str, Any]) -> tuple[Any, ...]:
    findings = sorted((f["path"], f["rule"], f["cell"] or "", f["message"]) for f in doc["findings"] if f["rule"] not in ("store-unchanged", "store-replaced"))
    return findings, doc["institutions"], doc["figures"]


def full(folder: Path, names: list[str], *extra: str) -> tuple[Any, ...]:
    """One audit of every file into a new store."""
    store = "全部.duckdb"
    (folder / store).unlink(missing_ok=True)
    code, doc, text = audit(folder, *names, store=store, extra=extra)
    assert code in (0, 1), text
    return summary(doc)


def kept(store: Path) -> dict[str, int]:
    with duckdb.connect(str(store), read_only=True) as db:
        return {t: db.execute(f'SELECT count(*) FROM {SCHEMA}."{t}"').fetchone()[0] for (t,) in db.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ? AND table_name <> 'state'", [SCHEMA]).fetchall()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_file_by_file_equals_all_at_once(tmp_path: Path, seed: int) -> None:
    names = corpus(tmp_path, seed)
    expected = full(tmp_path, names, *LOW)
    assert {f[1] for f in expected[0]} >= {"duplicate-outcome", "id-name-conflict", "phone-shared", "course-unknown", "date-before-period", "birthdate-shared", "scale-exceeded", "hours-per-learner", "id-sequence"}
    for name in names:
        code, doc, text = audit(tmp_path, name, extra=LOW)
        assert code in (0, 1), text
    assert summary(doc) == expected
    # Every screen keeps its rows or the tables it says, and so do the rows the verdicts and figures count,
    # and the cells the findings were placed at.
    assert set(kept(tmp_path / "核查.duckdb")) == {*COUNTED, *KEPT, "learner counts", "learner errors", "cells"}


def test_other_thresholds_catalog_or_a_replaced_file_recompute(tmp_path: Path) -> None:
    names = corpus(tmp_path, 7)
    for name in names[:3]:
        audit(tmp_path, name, extra=LOW)
    # Other thresholds: the kept results are not used.
    code, doc, _ = audit(tmp_path, names[3])
    assert summary(doc) == full(tmp_path, names)
    # A file replaced by other content: the screens see its new rows only (stored after the others: the
    # first registration of a repeated course is now elsewhere).
    write_outcomes(tmp_path / names[0], [row(k, YZ) for k in range(1, 5)])
    code, doc, _ = audit(tmp_path, names[0])
    names = [*names[1:], names[0]]
    assert summary(doc) == full(tmp_path, names)
    # Another catalog (a course's hours lowered): the look-ups are computed again.
    write_catalog(tmp_path / "目录.xlsx", "2019H1", [dataclasses.replace(XH, courses=(8, 20, 90)), YZ, LN])
    code, doc, _ = audit(tmp_path)
    assert summary(doc) == full(tmp_path, names)


def test_kept_results_that_lost_their_table_are_computed_again(tmp_path: Path) -> None:
    names = corpus(tmp_path, 11)
    audit(tmp_path, *names[:2], extra=LOW)
    with duckdb.connect(str(tmp_path / "核查.duckdb")) as db:
        db.execute(f'DROP TABLE {SCHEMA}."duplicate-outcome"')
    code, doc, _ = audit(tmp_path, *names[2:], extra=LOW)
    assert summary(doc) == full(tmp_path, names, *LOW)
    # The learners are counted as the error screens find now, whatever was kept of what they found then.
    with duckdb.connect(str(tmp_path / "核查.duckdb")) as db:
        db.execute(f'DELETE FROM {SCHEMA}."learner errors" WHERE rid IN (SELECT min(rid) FROM {SCHEMA}."learner errors")')
        db.execute(f"DELETE FROM {SCHEMA}.learners")
    code, doc, _ = audit(tmp_path, extra=LOW)
    assert summary(doc) == full(tmp_path, names, *LOW)


@pytest.mark.parametrize("seed", [5, 6])
def test_a_new_file_touching_most_of_the_store_screens_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Above the share, a screen across records runs over the whole store: the same results; below it
    (every file brought in by the incremental path), the same too."""
    import zjcredit.documents.audit.screen_cache as cache

    names = corpus(tmp_path, seed)
    expected = full(tmp_path, names, *LOW)
    for share in (0.0, 1.0):
        monkeypatch.setattr(cache, "FULL_SHARE", share)
        (tmp_path / "核查.duckdb").unlink(missing_ok=True)
        for name in names:
            code, doc, _ = audit(tmp_path, name, extra=LOW)
        assert summary(doc) == expected, share


def test_copied_store_keeps_working(tmp_path: Path) -> None:
    """A store copied elsewhere with its files carries its kept results along."""
    names = corpus(tmp_path, 13)
    audit(tmp_path, *names[:3], extra=LOW)
    other = Path(shutil.copytree(tmp_path, tmp_path.parent / "copy"))
    code, doc, _ = audit(other, names[3], extra=LOW)
    assert summary(doc) == full(other, names, *LOW)
    assert person(1)[0] == "学员1"


def test_what_is_kept_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing new: every kept result is used as it is; a new file: only brought up to date."""
    import zjcredit.documents.audit.screen_cache as cache

    caches: list[Any] = []
    init = cache.ScreenCache.__init__

    def spy(self: Any, store: Any) -> None:
        init(self, store)
        caches.append(self)

    monkeypatch.setattr(cache.ScreenCache, "__init__", spy)
    monkeypatch.setattr(cache, "FULL_SHARE", 1.0)
    names = corpus(tmp_path, 17)
    partitioned = {*COUNTED, *KEPT, *(rule for rule, s in load_screens().items() if s.kept is not None)}
    audit(tmp_path, *names[:3], extra=LOW)
    assert caches[-1].modes == dict.fromkeys(partitioned, "all")
    audit(tmp_path, extra=LOW)
    assert caches[-1].modes == dict.fromkeys(partitioned, "kept")
    audit(tmp_path, names[3], extra=LOW)
    assert caches[-1].modes == dict.fromkeys(partitioned, "added")
    # Another catalog: what reads it is made afresh; the screens of IDs, names and phones are kept.
    write_catalog(tmp_path / "目录.xlsx", "2019H1", [dataclasses.replace(XH, courses=(8, 20, 90)), YZ, LN])
    code, doc, _ = audit(tmp_path, extra=LOW)
    alone = {"duplicate-outcome", "id-name-conflict", "phone-shared", "id-sequence", "id_runs", "enrolled", "birth_days", "birthdate-shared", "scale-exceeded", "audited sums"}
    assert caches[-1].modes == {name: "kept" if name in alone else "all" for name in partitioned}
    assert summary(doc) == full(tmp_path, names, *LOW)


@pytest.mark.parametrize("seed", [21, 22])
def test_kept_queries_equal_the_queries_over_everything(tmp_path: Path, seed: int) -> None:
    """What the store keeps and the queries over it give what the screens' own queries give over a run's
    records (no store file: nothing kept), with every threshold."""
    names = corpus(tmp_path, seed)
    for extra in (LOW, ("--id-run", "2", "--same-birthdate", "2")):
        (tmp_path / "核查.duckdb").unlink(missing_ok=True)
        for name in names:
            code, doc, text = audit(tmp_path, name, extra=extra)
        code, alone, text = invoke_plain(tmp_path, names, extra)
        assert code in (0, 1), text
        assert summary(doc) == summary(alone)


def invoke_plain(folder: Path, names: list[str], extra: tuple[str, ...]) -> tuple[int, Any, str]:
    from test_audit import invoke

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        return invoke("audit", *names, "--catalog", "目录.xlsx", "-o", "报告.xlsx", "--force", "--format", "json", *extra)


def test_a_new_id_joining_two_runs_flags_the_run_kept_before(tmp_path: Path) -> None:
    """IDs …500–501 and …503–504 stored, then …502 comes: one run of five, all five flagged."""
    write_catalog(tmp_path / "目录.xlsx", "2019H1", PROJECTS)

    def learner(seq: int, k: int) -> dict[str, Any]:
        return row(k, YZ, 身份证号=make_id("330106", dt.date(1981, 3, 3), seq))

    write_outcomes(tmp_path / "a.xlsx", [learner(500, 1), learner(501, 2), learner(503, 3), learner(504, 4)])
    write_outcomes(tmp_path / "b.csv", [learner(502, 5)])
    code, doc, _ = audit(tmp_path, "a.xlsx", extra=("--id-run", "5"))
    assert not [f for f in doc["findings"] if f["rule"] == "id-sequence"]
    code, doc, _ = audit(tmp_path, "b.csv", extra=("--id-run", "5"))
    flagged = sorted((f["path"], f["cell"]) for f in doc["findings"] if f["rule"] == "id-sequence")
    assert flagged == [("a.xlsx", "C2"), ("a.xlsx", "C3"), ("a.xlsx", "C4"), ("a.xlsx", "C5"), ("b.csv", "C2")]


def test_the_same_catalog_again_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zjcredit.documents.audit.run as run

    names = corpus(tmp_path, 31)
    read: list[str] = []
    load = run.load_catalog_index
    monkeypatch.setattr(run, "load_catalog_index", lambda paths: (read.append(Path(paths[0]).name), load(paths))[1])
    audit(tmp_path, names[0])
    audit(tmp_path, names[1])
    assert read == ["目录.xlsx"]
    write_catalog(tmp_path / "目录.xlsx", "2019H1", [dataclasses.replace(XH, courses=(8, 20, 90)), YZ, LN])
    _, doc, _ = audit(tmp_path, names[2])
    assert read == ["目录.xlsx", "目录.xlsx"]
    assert summary(doc) == full(tmp_path, names[:3])


def audited_after(tmp_path: Path, seed: int, *statements: str) -> Path:
    """The first two files of a corpus audited into a store, ``statements`` run on the store, the other
    files audited into it: the report must be that of one audit of everything. Returns the store."""
    names = corpus(tmp_path, seed)
    audit(tmp_path, *names[:2], extra=LOW)
    store = tmp_path / "核查.duckdb"
    with duckdb.connect(str(store)) as db:
        for statement in statements:
            db.execute(statement)
    code, doc, _ = audit(tmp_path, *names[2:], extra=LOW)
    assert summary(doc) == full(tmp_path, names, *LOW)
    return store


def test_learners_kept_by_earlier_versions_give_way(tmp_path: Path) -> None:
    """A store whose figures kept a table of (group, learner) pairs per figure table (earlier versions)
    drops them and counts from what is kept now; the counts are those of one audit of everything."""
    store = audited_after(
        tmp_path, 31,
        f'CREATE TABLE {SCHEMA}."learners by_county" AS SELECT pair::VARCHAR AS k, id_num FROM outcome_rows',
        f"INSERT INTO {SCHEMA}.state VALUES ('learners by_county', 'x', [])",
        f'DROP TABLE {SCHEMA}."learner counts"',
    )
    tables = kept(store)
    assert "learners by_county" not in tables and tables["learner counts"] > 0
    with duckdb.connect(str(store), read_only=True) as db:
        assert db.execute(f"SELECT count(*) FROM {SCHEMA}.state WHERE rule LIKE 'learners %'").fetchone()[0] == 0


def test_a_record_that_became_an_error_is_not_counted_as_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept record an error screen now finds (or no longer finds) changes the figures' learners: they
    are counted afresh, as one audit of everything counts them (the kept learners are made to say
    otherwise, so that counting them up would show)."""
    import zjcredit.documents.audit.screen_cache as cache

    monkeypatch.setattr(cache, "FULL_SHARE", 1.0)  # the new files alone would not make anything afresh
    audited_after(tmp_path, 41, f'DELETE FROM {SCHEMA}."learner errors" WHERE rid IN (SELECT max(rid) FROM {SCHEMA}."learner errors")', f"DELETE FROM {SCHEMA}.learners")


def test_runs_of_ids_brought_up_to_date_equal_runs_made_afresh() -> None:
    """id-sequence's kept runs: for random stored and new ID values packed close together (runs that
    grow at either end, merge across a new value, take in lone stored values, repeat stored values; whole
    numbers consecutive within a prefix and across two), the runs brought up to date from the new records
    are the runs made afresh over all of them, and those are the runs among every value."""
    from zjcredit.screens.id_sequence import KEPT, RUNS, VALUES

    made, add = KEPT.tables["id_runs"]
    rng = random.Random(7)
    db = duckdb.connect()
    for case in range(100):
        values = [(rng.randrange(10_000, 10_040), rng.randrange(10)) for _ in range(rng.randint(1, 30))]
        cut = rng.randint(0, len(values))
        db.execute("CREATE OR REPLACE TABLE outcomes (rid BIGINT, id_prefix BIGINT, id_last TINYINT, id_body BOOLEAN, id_digits BOOLEAN)")
        rows = [(k, p, last, True, rng.random() < 0.8) for k, (p, last) in enumerate(values)]
        if cut:
            db.executemany("INSERT INTO outcomes VALUES (?, ?, ?, ?, ?)", rows[:cut])
        for statement in made:
            db.execute(statement.format(this="kept_runs"))
        if rows[cut:]:
            db.executemany("INSERT INTO outcomes VALUES (?, ?, ?, ?, ?)", rows[cut:])
        db.execute(f"CREATE OR REPLACE TEMP VIEW screen_scope AS SELECT * FROM outcomes WHERE rid >= {cut}")
        for statement in add:
            db.execute(statement.format(this="kept_runs"))
        for statement in made:
            db.execute(statement.format(this="fresh_runs"))
        kept, fresh = (sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in ("kept_runs", "fresh_runs"))
        assert kept == fresh, (case, values, cut)
        # Made afresh (whole numbers only among the candidates) = the runs among every value.
        db.execute("CREATE OR REPLACE TEMP TABLE every_value AS " + VALUES.format(records="outcomes"))
        assert fresh == sorted(db.execute(RUNS.format(among="every_value")).fetchall()), (case, values)
