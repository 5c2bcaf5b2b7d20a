"""The verification store (`zjcredit audit --store`, `zjcredit stats --store`, `zjcredit store export`):
incremental runs, screens across runs, one transaction per file, the one-sentence refusals (locked, newer,
damaged), the Parquet export and the versions recorded in ``meta``."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_audit import Proj, by, digest, invoke, row, write_catalog, write_outcomes

from zjcredit import __version__
from zjcredit.store import Store
from zjcredit.store.schema import SCHEMA_VERSION, TABLES

XH = Proj("330106-2019H1-001", "电工实操", "企业职工培训", "企业职工", "XH01", "西湖成校", (8,))
YZ = Proj("330212-2019H1-001", "叉车", "企业职工培训", "企业职工", "YZ01", "鄞州成校", (10,))
YH = Proj("330110-2019H1-001", "茶艺", "文化休闲生活技能培训", "企业职工、企退人员", "YH01", "良渚成校", (24,))
GHOST = Proj("330212-2019H1-099", "未申报", "", "", "YZ01", "鄞州成校", (6,))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog, a 西湖区 sheet (6 learners) and a 鄞州区 CSV (4 learners, one more on a code in no catalog,
    one with a mistyped ID), audited once into 核查.duckdb (paths relative to the folder)."""
    folder = tmp_path_factory.mktemp("store") / "base"
    write_catalog(folder / "目录.xlsx", "2019H1", [XH, YZ, YH])
    write_outcomes(folder / "成果" / "a_西湖.xlsx", [row(k, XH) for k in range(1, 7)])
    bad = row(13, YZ)
    bad["身份证号"] = bad["身份证号"][:-1] + ("1" if bad["身份证号"][-1] != "1" else "2")
    write_outcomes(folder / "成果" / "b_鄞州.csv", [*(row(k, YZ) for k in range(7, 11)), row(11, GHOST), bad])
    code, doc, text = audit(folder, "成果")
    assert code == 1, text
    FIRST.update(doc)
    return folder


FIRST: dict[str, Any] = {}  # the first run's report


@pytest.fixture
def work(base: Path, tmp_path: Path) -> Path:
    """A copy of the base folder, its store holding the two sheets."""
    return Path(shutil.copytree(base, tmp_path / "work"))


def fresh(work: Path) -> Path:
    """The work folder without its store, and with a third sheet (余杭区, 3 learners)."""
    (work / "核查.duckdb").unlink()
    write_outcomes(work / "成果" / "c_余杭.xlsx", [row(k, YH) for k in range(20, 23)])
    return work


def audit(work: Path, *paths: str | Path, store: str = "核查.duckdb", extra: tuple[str, ...] = ()) -> tuple[int, Any, str]:
    """`zjcredit audit` run in ``work`` with relative paths (the store keeps paths as given)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        return invoke("audit", *paths, "--catalog", "目录.xlsx", "--store", store, "-o", "报告.xlsx", "--force", "--format", "json", *extra)


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute(sql).fetchall()


def rules_by_file(doc: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in doc["findings"]:
        out.setdefault(Path(f["path"]).name, []).append(f["rule"])
    return out


def consistent(store: Path) -> list[tuple[str, int]]:
    """The files stored, (name, records), after checking no row belongs to a file not stored and every
    file holds exactly its records."""
    files = query(store, "SELECT file_id, name, records FROM files ORDER BY file_id")
    for file_id, name, records in files:
        assert query(store, f"SELECT count(*) FROM outcomes WHERE file_id = {file_id}") == [(records,)], name
    for table in ("outcomes", "findings", "sheets"):
        assert query(store, f"SELECT count(*) FROM {table} WHERE file_id NOT IN (SELECT file_id FROM files)") == [(0,)], table
    # Each record holds the number of its (institution, project) pair, each pair numbered once.
    mismatched = "SELECT count(*) FROM outcomes o LEFT JOIN pairs p USING (pair) WHERE p.pair IS NULL OR p.org IS DISTINCT FROM o.org OR p.project IS DISTINCT FROM o.project"
    assert query(store, mismatched) == [(0,)]
    assert query(store, "SELECT count(*) - count(DISTINCT (org, project)) FROM pairs") == [(0,)]
    return [(name, records) for _, name, records in files]


# Incremental runs ------------------------------------------------------------------------------------------------


def test_second_run_reads_nothing_new(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert by(FIRST["figures"]["by_county"], "county_code") == {"330106": (6, 6, 48, 0, 0), "330212": (4, 4, 40, 0, 2)}
    assert not any(f["rule"].startswith("store-") for f in FIRST["findings"])

    from zjcredit.documents.outcomes.check import OutcomeRun

    read: list[str] = []
    add = OutcomeRun.add
    monkeypatch.setattr(OutcomeRun, "add", lambda self, source, *a, **k: (read.append(source.display), add(self, source, *a, **k))[1])
    code, second, _ = audit(work, "成果")
    assert code == 1 and read == []
    unchanged = [(f["path"], f["severity"], f["cell"]) for f in second["findings"] if f["rule"] == "store-unchanged"]
    assert unchanged == [("成果/a_西湖.xlsx", "info", None), ("成果/b_鄞州.csv", "info", None)]
    assert second["figures"] == FIRST["figures"] and second["institutions"] == FIRST["institutions"]
    assert [(f["path"], f["records"], f["errors"]) for f in second["files"]] == [("成果/a_西湖.xlsx", 6, 0), ("成果/b_鄞州.csv", 6, 3)]
    # The stored findings and the screens' are given again, at their cells.
    assert sorted((f["rule"], f["cell"]) for f in second["findings"] if f["severity"] == "error") == [("course-unknown", "G6"), ("id-checksum", "C7"), ("project-unknown", "F6")]
    store = work / "核查.duckdb"
    assert consistent(store) == [("a_西湖.xlsx", 6), ("b_鄞州.csv", 6)]
    # What wrote the store, and what each file was.
    meta = dict(query(store, "SELECT key, value FROM meta"))
    assert meta == {"schema_version": str(SCHEMA_VERSION), "zjcredit": __version__, "catalogs": meta["catalogs"]}
    assert json.loads(meta["catalogs"]) == [["目录.xlsx", digest(work / "目录.xlsx")]]  # taken in: not read again unless changed
    assert query(store, "SELECT path, zjcredit, records, sha256 FROM files ORDER BY file_id") == [
        ("成果/a_西湖.xlsx", __version__, 6, digest(work / "成果" / "a_西湖.xlsx")),
        ("成果/b_鄞州.csv", __version__, 6, digest(work / "成果" / "b_鄞州.csv")),
    ]


def test_changed_file_replaces_its_rows_and_a_new_file_adds(work: Path) -> None:
    write_outcomes(work / "成果" / "a_西湖.xlsx", [row(k, XH) for k in range(1, 5)])  # two learners fewer
    code, doc, _ = audit(work, "成果")
    assert code == 1
    replaced = [f for f in doc["findings"] if f["rule"] == "store-replaced"]
    assert [(f["path"], f["severity"]) for f in replaced] == [("成果/a_西湖.xlsx", "info")]
    assert "原来的 6 条记录" in replaced[0]["message"]
    assert rules_by_file(doc)["b_鄞州.csv"][0] == "store-unchanged"
    assert by(doc["figures"]["by_county"], "county_code") == {"330106": (4, 4, 32, 0, 0), "330212": (4, 4, 40, 0, 2)}
    assert "duplicate-outcome" not in {f["rule"] for f in doc["findings"]}  # the old rows are gone, not duplicates
    assert consistent(work / "核查.duckdb") == [("b_鄞州.csv", 6), ("a_西湖.xlsx", 4)]

    write_outcomes(work / "成果" / "c_余杭.xlsx", [row(k, YH) for k in range(20, 23)])
    code, doc, _ = audit(work, "成果")
    assert sorted(f["path"] for f in doc["findings"] if f["rule"].startswith("store-")) == ["成果/a_西湖.xlsx", "成果/b_鄞州.csv"]  # both unchanged
    assert [f["path"] for f in doc["files"]] == ["成果/a_西湖.xlsx", "成果/b_鄞州.csv", "成果/c_余杭.xlsx"]  # in the order given
    assert by(doc["figures"]["by_county"], "county_code") == {"330106": (4, 4, 32, 0, 0), "330110": (3, 3, 72, 0, 0), "330212": (4, 4, 40, 0, 2)}
    assert consistent(work / "核查.duckdb") == [("b_鄞州.csv", 6), ("a_西湖.xlsx", 4), ("c_余杭.xlsx", 3)]

    # Everything stored, naming neither a file nor the catalog (the store holds it).
    code, figures, text = invoke("stats", "--store", work / "核查.duckdb", "--format", "json")
    assert code == 0, text
    assert figures["figures"] == doc["figures"]



def test_changed_file_named_another_way_still_replaces(work: Path) -> None:
    write_outcomes(work / "成果" / "a_西湖.xlsx", [row(k, XH) for k in range(1, 7)] + [row(30, XH)])  # one learner more
    code, doc, _ = audit(work, work / "成果" / "a_西湖.xlsx")  # stored as 成果/a_西湖.xlsx, named by its absolute path now
    assert code == 1  # b's errors
    assert rules_by_file(doc)["a_西湖.xlsx"] == ["store-replaced"]
    assert by(doc["figures"]["by_county"], "county_code")["330106"] == (7, 7, 56, 0, 0)
    assert consistent(work / "核查.duckdb") == [("b_鄞州.csv", 6), ("a_西湖.xlsx", 7)]



def test_another_folders_file_of_the_same_name_does_not_replace(work: Path) -> None:
    other = work / "鄞州区"
    write_outcomes(other / "成果" / "a_西湖.xlsx", [row(k, YZ) for k in range(40, 43)])  # 鄞州区's own sheet, named alike
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(other)
        code, doc, _ = invoke("audit", "成果", "--catalog", work / "目录.xlsx", "--store", work / "核查.duckdb", "-o", work / "报告.xlsx", "--force", "--format", "json")
    assert code == 1  # b's errors
    assert not any(f["rule"] == "store-replaced" for f in doc["findings"])
    assert by(doc["figures"]["by_county"], "county_code")["330106"] == (6, 6, 48, 0, 0)  # 西湖区's records still there
    assert consistent(work / "核查.duckdb") == [("a_西湖.xlsx", 6), ("b_鄞州.csv", 6), ("a_西湖.xlsx", 3)]


def test_screens_see_learners_of_earlier_runs(work: Path) -> None:
    """A learner deposited by 西湖区 in one run and by 鄞州区 in the next is still caught."""
    twice = row(2, XH)  # learner 2's course again
    renamed = row(7, YZ, 身份证号=row(1, XH)["身份证号"], 姓名="张三")  # learner 1's ID under another name
    write_outcomes(work / "鄞州补报.xlsx", [row(12, YZ), twice, renamed])
    code, doc, _ = audit(work, "鄞州补报.xlsx")
    assert code == 1
    found = {(f["rule"], f["cell"]): f["message"] for f in doc["findings"] if f["path"] == "鄞州补报.xlsx"}
    assert set(found) == {("duplicate-outcome", "C3"), ("id-name-conflict", "B4")}
    assert "成果/a_西湖.xlsx C3" in found[("duplicate-outcome", "C3")]  # where learner 2 was first registered
    assert "成果/a_西湖.xlsx C2" in found[("id-name-conflict", "B4")] and "学员1" in found[("id-name-conflict", "B4")]
    # The repeat is on 西湖区's project and counted there; the renamed learner on 鄞州区's: both excluded.
    assert by(doc["figures"]["by_county"], "county_code") == {"330106": (6, 6, 48, 0, 1), "330212": (5, 5, 50, 0, 3)}
    # The same file alone, without the store, has nothing to compare with.
    code, alone, _ = invoke("audit", work / "鄞州补报.xlsx", "--catalog", work / "目录.xlsx", "-o", work / "单独.xlsx", "--format", "json")
    assert code == 0 and alone["findings"] == []


def test_the_findings_cells_are_kept_for_the_next_run(work: Path) -> None:
    """The cells the screens' findings were placed at (a record's place and the field's text as written)
    are kept in the store, and the next run takes them from there rather than from the records; a file
    no longer stored takes its kept cells with it."""
    store = work / "核查.duckdb"
    kept = query(store, 'SELECT "column", value FROM screen_cache."cells" ORDER BY ALL')
    assert kept == [("course_code", "330212-2019H1-099-01"), ("project_code", "330212-2019H1-099")]  # the two screens' findings
    with duckdb.connect(str(store)) as db:  # what no run does: the kept text told apart from the record's
        db.execute("""UPDATE screen_cache."cells" SET value = value || '（保存的）' WHERE "column" = 'project_code'""")
    code, doc, _ = audit(work, "成果")
    assert [f["value"] for f in doc["findings"] if f["rule"] == "project-unknown"] == ["330212-2019H1-099（保存的）"]
    write_outcomes(work / "成果" / "b_鄞州.csv", [row(k, YZ) for k in range(7, 11)])  # replaced: no unknown project now
    code, doc, _ = audit(work, "成果")
    assert not [f for f in doc["findings"] if f["rule"] == "project-unknown"]
    stored = {r[0] for r in query(store, "SELECT file_id FROM files")}
    assert {r[0] for r in query(store, 'SELECT DISTINCT rid >> 32 FROM screen_cache."cells"')} <= stored


# Transactions ---------------------------------------------------------------------------------------------------


class Failing:
    """Stands for a file's findings table: storing it fails after the file's records went in."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    @property
    def num_rows(self) -> int:
        raise self.exc


def fail_second_file(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> list[str]:
    calls: list[str] = []
    put = Store.put_file

    def put_file(self: Store, new: Any, db: Any = None) -> None:
        calls.append(new.path.name)
        if len(calls) == 2:
            new = dataclasses.replace(new, findings=Failing(exc))
        put(self, new, db)

    monkeypatch.setattr(Store, "put_file", put_file)
    return calls


def test_a_failure_while_storing_keeps_the_files_committed_before(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fail_second_file(monkeypatch, OSError(28, "No space left on device"))
    code, doc, text = audit(fresh(work), "成果")
    assert code == 2 and doc is None and "Traceback" not in text and "No space left on device" in text
    assert calls == ["a_西湖.xlsx", "b_鄞州.csv"]  # nothing is stored after a failure
    assert consistent(work / "核查.duckdb") == [("a_西湖.xlsx", 6)]  # b's records, inserted before the failure, rolled back
    monkeypatch.undo()
    code, doc, _ = audit(work, "成果")
    assert code == 1
    assert [f["path"] for f in doc["findings"] if f["rule"] == "store-unchanged"] == ["成果/a_西湖.xlsx"]
    assert consistent(work / "核查.duckdb") == [("a_西湖.xlsx", 6), ("b_鄞州.csv", 6), ("c_余杭.xlsx", 3)]


def test_the_writer_stores_the_files_in_order_with_one_waiting_at_most() -> None:
    """The reading thread hands over each file whole; the writer's thread stores them in the order given,
    and while one file waits for it the next put waits too (memory holds three files' records at most)."""
    import threading

    from zjcredit.store.writer import Writer

    busy, release = threading.Event(), threading.Event()
    stored: list[tuple[str, str]] = []

    class SlowStore:
        def cursor(self) -> Any:
            return duckdb.connect(":memory:")

        def put_file(self, new: str, db: Any) -> None:
            busy.set()
            assert release.wait(10)
            stored.append((new, threading.current_thread().name))

    with Writer(SlowStore()) as writer:  # type: ignore[arg-type]
        writer.put("a")  # type: ignore[arg-type]
        assert busy.wait(10)  # the writer holds a
        writer.put("b")  # type: ignore[arg-type] - waits in the queue
        third = threading.Thread(target=writer.put, args=("c",))
        third.start()
        third.join(0.3)
        assert third.is_alive()  # the queue is full: c waits to be queued
        release.set()
        third.join(10)
    assert stored == [("a", "zjcredit-store"), ("b", "zjcredit-store"), ("c", "zjcredit-store")]


def test_an_error_placing_the_findings_reaches_the_run(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The screens' findings are placed on a thread of their own while the verdicts are counted: its error
    is the run's (not lost with the thread), and the store is left closed and usable."""
    import threading

    from zjcredit.documents.audit.stored import StoredFiles

    def emit(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(StoredFiles, "emit", emit)
    code, doc, text = audit(fresh(work), "成果")
    assert code == 2 and doc is None and "Traceback" not in text and "No space left on device" in text
    assert not [t for t in threading.enumerate() if t.name.startswith(("zjcredit-findings", "zjcredit-close"))]
    monkeypatch.undo()
    code, doc, _ = audit(work, "成果")  # every file was stored before the screens: nothing read again
    assert code == 1 and sorted(f["path"] for f in doc["findings"] if f["rule"] == "store-unchanged") == ["成果/a_西湖.xlsx", "成果/b_鄞州.csv", "成果/c_余杭.xlsx"]


def test_the_store_queries_on_twice_the_cores_and_the_ingest_gives_them_back(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's queries run on twice the cores' threads (DuckDB's aggregations over many learners
    partition better); the ingest takes half the cores for the writer and gives the rest back, also after
    a failure, before the screens and the verdicts run."""
    import os

    import zjcredit.documents.audit.run as audit_run
    from zjcredit.store import QUERY_THREADS

    def threads(db: Any) -> int:
        return int(db.execute("SELECT current_setting('threads')").fetchone()[0])

    assert QUERY_THREADS == 2 * (os.cpu_count() or 1)
    with Store(work / "另一个.duckdb") as store:
        assert threads(store.db) == QUERY_THREADS
    judge = audit_run.judge
    seen: list[int] = []
    monkeypatch.setattr(audit_run, "judge", lambda db, *args: (seen.append(threads(db)), judge(db, *args))[1])
    assert audit(fresh(work), "成果")[0] == 1 and seen == [QUERY_THREADS]
    fail_second_file(monkeypatch, OSError(28, "No space left on device"))
    # Two new files (c_余杭 written again with the same rows would be the same file, or not, by the second
    # of its timestamp: one file to store or two).
    write_outcomes(work / "成果" / "d_余杭.xlsx", [row(k, YH) for k in range(30, 33)])
    write_outcomes(work / "成果" / "e_余杭.xlsx", [row(k, YH) for k in range(40, 43)])
    from zjcredit.documents.audit import ingest as audit_ingest

    ingest = audit_ingest.ingest
    after: list[int] = []

    def ingesting(store: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return ingest(store, *args, **kwargs)
        finally:
            after.append(threads(store.db))

    monkeypatch.setattr(audit_run, "ingest", ingesting)
    assert audit(work, "成果")[0] == 2 and after == [QUERY_THREADS]


def test_the_findings_are_placed_while_the_later_screens_run(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen's findings are placed on the findings' thread as soon as its hits are made, while the
    next screens' queries run (not all after the last one), and their parts of the report made there
    (:mod:`zjcredit.documents.audit.presented`); the report is the same as placed after."""
    import threading

    from zjcredit.documents.audit.presented import Presented
    from zjcredit.documents.audit.screen_cache import ScreenCache
    from zjcredit.documents.audit.stored import StoredFiles
    from zjcredit.screens import load_screens

    before = audit(fresh(Path(shutil.copytree(work, work.parent / "before"))), "成果")
    emit, results = StoredFiles.emit, ScreenCache.results
    placed = threading.Event()
    placing_threads: set[str] = set()
    seen_by_the_last: list[bool] = []
    last = list(load_screens())[-1]

    def emitting(self: StoredFiles, *args: Any, **kwargs: Any) -> Any:
        placing_threads.add(threading.current_thread().name.split("_")[0])
        placed.set()
        return emit(self, *args, **kwargs)

    add = Presented.add
    presented: list[tuple[str, int]] = []  # (thread, findings) of each turn

    def adding(self: Presented, findings: Any) -> None:
        findings = list(findings)
        presented.append((threading.current_thread().name.split("_")[0], len(findings)))
        add(self, findings)

    def answering(self: ScreenCache, s: Any, values: dict[str, Any]) -> Any:
        if s.rule.id == last:  # the last screen's query waits (briefly) for a placing, and its parts, to be made
            waited = placed.wait(10)
            for _ in range(1000):
                if len(presented) >= 2:  # the findings there before, and a screen's
                    break
                threading.Event().wait(0.01)
            seen_by_the_last.append(waited and len(presented) >= 2)
        return results(self, s, values)

    monkeypatch.setattr(StoredFiles, "emit", emitting)
    monkeypatch.setattr(ScreenCache, "results", answering)
    monkeypatch.setattr(Presented, "add", adding)
    code, doc, _ = audit(fresh(work), "成果")
    assert seen_by_the_last == [True] and placing_threads == {"zjcredit-findings"}
    assert {t for t, _ in presented} == {"zjcredit-findings"} and sum(n for _, n in presented) >= len(doc["findings"])
    assert code == before[0] == 1 and doc["findings"] == before[1]["findings"] and doc["institutions"] == before[1]["institutions"]


def test_an_error_while_the_findings_are_placed_wins_and_waits_for_them(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error of the run's own while the findings are being placed is the one reported, once the
    placing thread is done (the store is not closed under it)."""
    import threading

    import zjcredit.documents.audit.run as audit_run
    from zjcredit.documents.audit.stored import StoredFiles

    emit = StoredFiles.emit
    placing: list[bool] = []

    def slow_emit(self: StoredFiles, *args: Any, **kwargs: Any) -> Any:
        placing.append(True)
        threading.Event().wait(0.2)
        return emit(self, *args, **kwargs)

    def judge(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(StoredFiles, "emit", slow_emit)
    monkeypatch.setattr(audit_run, "judge", judge)
    code, doc, text = audit(fresh(work), "成果")
    assert code == 2 and doc is None and "No space left on device" in text and placing
    assert not [t for t in threading.enumerate() if t.name.startswith("zjcredit-findings")]
    with Store(work / "核查.duckdb") as store:
        assert len(store.files()) == 3


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_a_screen_failing_on_its_thread_leaves_the_store_as_it_was(work: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """The screens' queries run on a thread of their own: Ctrl-C or an error in one of them ends the run as
    it would on the main thread (exit 130, or 2 with the sentence), no thread left, the screens' kept
    results rolled back — the next run gives what a run without the failure gives."""
    import threading

    from zjcredit.documents.audit.screen_cache import ScreenCache

    results = ScreenCache.results
    asked: list[str] = []

    def failing(self: ScreenCache, s: Any, values: dict[str, Any]) -> Any:
        asked.append(s.rule.id)
        if len(asked) == 3:
            raise exc
        return results(self, s, values)

    monkeypatch.setattr(ScreenCache, "results", failing)
    code, doc, text = audit(fresh(work), "成果")
    assert doc is None and "Traceback" not in text
    assert code == (130 if isinstance(exc, KeyboardInterrupt) else 2)
    assert len(asked) == 3  # the screens after the failing one were not run
    assert not [t for t in threading.enumerate() if t.name.startswith(("zjcredit-screens", "zjcredit-findings"))]
    monkeypatch.undo()
    code, doc, _ = audit(work, "成果")
    again = fresh(Path(shutil.copytree(work, work.parent / "again")))
    code2, doc2, _ = audit(again, "成果")
    assert code == code2 == 1

    def findings(d: dict[str, Any]) -> list[tuple[str, str, str]]:  # without the notes of files stored before
        return sorted((f["path"], f["rule"], f["cell"] or "") for f in d["findings"] if f["rule"] != "store-unchanged")

    assert findings(doc) == findings(doc2) and any(f[1] == "duplicate-outcome" or f[1] == "project-unknown" for f in findings(doc))
    assert doc["institutions"] == doc2["institutions"] and doc["figures"] == doc2["figures"]


def test_a_close_begun_on_another_thread_raises_its_error_on_close() -> None:
    """Store.close_later: the checkpoint is written on a thread; close() waits for it and raises its error."""
    store = Store(None)
    real = store.db

    class Failing:
        def close(self) -> None:
            real.close()
            raise OSError(28, "No space left on device")

    store.db = Failing()
    store.close_later()
    store.close_later()  # once is enough
    with pytest.raises(OSError, match="No space"):
        store.close()
    store = Store(None)
    store.close_later()
    store.close()  # waited for, nothing to raise
    with pytest.raises(duckdb.ConnectionException):
        store.db.execute("SELECT 1")


def test_ctrl_c_while_storing_leaves_a_usable_store(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_second_file(monkeypatch, KeyboardInterrupt())
    code, doc, text = audit(fresh(work), "成果")
    assert code == 130 and doc is None and "Traceback" not in text
    assert consistent(work / "核查.duckdb") == [("a_西湖.xlsx", 6)]
    with Store(work / "核查.duckdb") as store:  # opens: no lock left behind, nothing half-written
        assert [(f.path, f.records) for f in store.files()] == [("成果/a_西湖.xlsx", 6)]


def test_ctrl_c_while_reading_stores_only_whole_files(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zjcredit.documents.outcomes.check import OutcomeRun

    add = OutcomeRun.add

    def interrupted(self: Any, source: Any, *a: Any, **k: Any) -> Any:
        if source.path.name.startswith("c_"):
            raise KeyboardInterrupt
        return add(self, source, *a, **k)

    monkeypatch.setattr(OutcomeRun, "add", interrupted)
    code, _, _ = audit(fresh(work), "成果")
    assert code == 130
    # a is committed unless the interruption came while it was; b may be cut short, then it is not there at all.
    assert consistent(work / "核查.duckdb") in ([], [("a_西湖.xlsx", 6)], [("a_西湖.xlsx", 6), ("b_鄞州.csv", 6)])
    with Store(work / "核查.duckdb") as store:
        assert store.has_catalog()


# Stores that cannot be used --------------------------------------------------------------------------------------


def test_store_in_use_by_another_process(work: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; db = duckdb.connect(sys.argv[1]); db.execute('SELECT 1'); print('ready', flush=True); time.sleep(60)", str(work / "核查.duckdb")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, doc, text = audit(work, "成果")
        assert code == 2 and doc is None and "Traceback" not in text
        assert "另一个" in text and "核查.duckdb" in text
        code, _, text = invoke("stats", "--store", work / "核查.duckdb", "--lang", "en")
        assert code == 2 and "in use" in text
    finally:
        holder.kill()
        holder.wait()
    with Store(work / "核查.duckdb") as store:  # free again, intact
        assert [f.records for f in store.files()] == [6, 6]


def test_store_from_a_newer_zjcredit(work: Path) -> None:
    with duckdb.connect(str(work / "核查.duckdb")) as db:
        db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
        db.execute("UPDATE meta SET value = '9.0.0' WHERE key = 'zjcredit'")
    before = digest(work / "核查.duckdb")
    code, doc, text = audit(work, "成果")
    assert code == 2 and doc is None and "Traceback" not in text
    assert "升级" in text and "9.0.0" in text
    code, _, text = audit(work, "成果", extra=("--lang", "en"))
    assert code == 2 and "Upgrade zjcredit" in text
    assert digest(work / "核查.duckdb") == before


# The columns of outcomes that version 1 computed (the others stored).
V1_COMPUTED = "id_key, id_number, phone, name_key, project, course, org"
# Version 2 kept the texts of 完成日期 and 学时数 and the ID's parts in every row.
V2_COLUMNS = """
    rid BIGINT, file_id INTEGER, sheet VARCHAR, "row" INTEGER,
    name VARCHAR, org_code VARCHAR, project_code VARCHAR, course_code VARCHAR, hours_text VARCHAR,
    result VARCHAR, completed VARCHAR, outcome_form VARCHAR, note VARCHAR,
    id_num BIGINT, id_ok BOOLEAN, id_body BOOLEAN, id_digits BOOLEAN, id_prefix BIGINT, id_last TINYINT,
    birth DATE, phone_num BIGINT, hours DOUBLE, date DATE, dual BOOLEAN, has_error BOOLEAN,
    id_written VARCHAR, phone_written VARCHAR, name_compared VARCHAR, project_compared VARCHAR, course_compared VARCHAR, org_compared VARCHAR
"""
V2_ROWS = f"CREATE TABLE outcome_rows ({V2_COLUMNS})"
V2_VIEW = """
CREATE VIEW outcomes AS SELECT *,
    CASE WHEN id_num >= 0 THEN lpad(CAST(id_num // 11 AS VARCHAR), 17, '0') || CASE WHEN id_num % 11 = 10 THEN 'X' ELSE CAST(id_num % 11 AS VARCHAR) END
         ELSE upper(replace(trim(id_written), ' ', '')) END AS id_key,
    coalesce(id_written, lpad(CAST(id_num // 11 AS VARCHAR), 17, '0') || CASE WHEN id_num % 11 = 10 THEN 'X' ELSE CAST(id_num % 11 AS VARCHAR) END) AS id_number,
    coalesce(phone_written, CAST(phone_num AS VARCHAR)) AS phone,
    nullif(coalesce(name_compared, name), '') AS name_key,
    nullif(coalesce(project_compared, project_code), '') AS project,
    nullif(coalesce(course_compared, course_code), '') AS course,
    nullif(coalesce(org_compared, org_code), '') AS org
FROM outcome_rows
"""
# Version 1 of the store kept the computed columns as VIRTUAL generated columns of the table outcomes.
V1_OUTCOMES = f"""
CREATE TABLE outcomes ({V2_COLUMNS},
    id_key VARCHAR GENERATED ALWAYS AS (
        CASE WHEN id_num >= 0 THEN lpad(CAST(id_num // 11 AS VARCHAR), 17, '0') || CASE WHEN id_num % 11 = 10 THEN 'X' ELSE CAST(id_num % 11 AS VARCHAR) END
             ELSE upper(replace(trim(id_written), ' ', '')) END
    ) VIRTUAL,
    id_number VARCHAR GENERATED ALWAYS AS (
        coalesce(id_written, lpad(CAST(id_num // 11 AS VARCHAR), 17, '0') || CASE WHEN id_num % 11 = 10 THEN 'X' ELSE CAST(id_num % 11 AS VARCHAR) END)
    ) VIRTUAL,
    phone VARCHAR GENERATED ALWAYS AS (coalesce(phone_written, CAST(phone_num AS VARCHAR))) VIRTUAL,
    name_key VARCHAR GENERATED ALWAYS AS (nullif(coalesce(name_compared, name), '')) VIRTUAL,
    project VARCHAR GENERATED ALWAYS AS (nullif(coalesce(project_compared, project_code), '')) VIRTUAL,
    course VARCHAR GENERATED ALWAYS AS (nullif(coalesce(course_compared, course_code), '')) VIRTUAL,
    org VARCHAR GENERATED ALWAYS AS (nullif(coalesce(org_compared, org_code), '')) VIRTUAL
)
"""


def test_a_version_1_store_is_migrated(work: Path) -> None:
    """A store written by the version that kept the computed columns in the table: brought to the
    current layout (the rows in outcome_rows, outcomes a view with the same columns) in one transaction,
    then audited as before — and later files stored into it."""
    _migrated_as_before(work, 1, [V1_OUTCOMES, f"INSERT INTO outcomes BY NAME {OLD_STORED_COLUMNS}", "DROP SCHEMA IF EXISTS screen_cache CASCADE", "DROP TABLE pairs"])


def test_a_version_2_store_is_migrated(work: Path) -> None:
    """A store written by the version that kept 完成日期 and 学时数 as written in every row, and the ID's
    parts beside it: its rows keep those texts only where they differ, and read the same."""
    with_texts = "SELECT count(*) FROM outcome_rows WHERE completed IS NOT NULL AND hours_text IS NOT NULL"
    _migrated_as_before(work, 2, [V2_ROWS, f"INSERT INTO outcome_rows BY NAME {OLD_STORED_COLUMNS}", V2_VIEW, *PAIRS_IN_CACHE], ((with_texts, (12,)),))


def test_a_version_3_store_is_migrated(work: Path) -> None:
    """A store written by the version that numbered the (institution, project) pairs in the screens'
    cache, with a table of every record and its pair's number there: each record holds its pair's
    number, the cache's numbers kept, and the cache's table of records is gone."""
    store = work / "核查.duckdb"
    stored = ", ".join(f'"{r[0]}"' for r in query(store, "DESCRIBE outcome_rows") if r[0] != "pair")
    view = re.search(r"CREATE VIEW IF NOT EXISTS outcomes AS .*?FROM outcome_rows;", TABLES, re.S)
    assert view is not None
    numbers = dict(query(store, "SELECT pair, 1000 - pair FROM pairs"))
    learners = query(store, 'SELECT 1000 - pair, id_num FROM screen_cache.learners ORDER BY ALL')
    _migrated_as_before(work, 3, [f"CREATE TABLE outcome_rows AS SELECT {stored} FROM rows_now", view.group(0), *PAIRS_IN_CACHE])
    assert query(store, "SELECT count(*) FROM outcome_rows WHERE pair IS NULL") == [(0,)]
    assert query(store, "SELECT count(*) FROM outcomes o JOIN pairs p USING (pair) WHERE p.org IS NOT DISTINCT FROM o.org AND p.project IS NOT DISTINCT FROM o.project") == [(15,)]
    assert set(numbers.values()) <= {r[0] for r in query(store, "SELECT pair FROM pairs")}  # the cache's numbers
    assert not {"pairs", "audited"} & {r[0] for r in query(store, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'screen_cache'")}
    assert query(store, "SELECT count(*) FROM screen_cache.state WHERE rule = 'audited'") == [(0,)]
    assert learners


# The columns an older version stored, from the records as they read now.
OLD_STORED_COLUMNS = f"SELECT * EXCLUDE ({V1_COMPUTED}, completed_written, hours_written, pair) FROM rows_now"
# Versions 2 and 3 numbered the pairs in the screens' cache (other numbers than those given now, to
# tell them apart) and kept every record with its pair's number there (and no sums of the records).
PAIRS_IN_CACHE = [
    'DROP TABLE screen_cache."audited sums"',
    "DELETE FROM screen_cache.state WHERE rule = 'audited sums'",
    "CREATE TABLE screen_cache.pairs AS SELECT 1000 - pair AS pair, org, project FROM pairs",
    "UPDATE screen_cache.learners SET pair = 1000 - pair",
    "CREATE TABLE screen_cache.audited AS SELECT rid, 1000 - pair AS pair, id_num FROM rows_now",
    "INSERT INTO screen_cache.state VALUES ('audited', 'x', [])",
    "DROP TABLE pairs",
]


def _migrated_as_before(work: Path, version: int, layout: list[str], checks: tuple[tuple[str, tuple[Any, ...]], ...] = ()) -> None:
    """The store taken back to an older ``version``'s ``layout`` (statements reading the records as they
    read now from ``rows_now``; ``checks``: queries and their answers there), then audited again: the same
    findings, verdicts and figures as the first run, the current layout with the same records, and later
    files stored into it."""
    store = work / "核查.duckdb"
    columns = [r[0] for r in query(store, "DESCRIBE outcomes")]
    rows = query(store, "SELECT * EXCLUDE (pair) FROM outcomes ORDER BY rid")  # (the numbers may be the cache's)
    with duckdb.connect(str(store)) as db:
        db.execute("CREATE TABLE rows_now AS SELECT * FROM outcomes")
        db.execute("DROP VIEW outcomes")
        db.execute("DROP TABLE outcome_rows")
        for statement in layout:
            db.execute(statement)
        db.execute("DROP TABLE rows_now")
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        for sql, answer in checks:
            assert db.execute(sql).fetchone() == answer, sql
    code, doc, text = audit(work, "成果")
    assert code == 1, text
    assert [f for f in doc["findings"] if f["rule"] != "store-unchanged"] == [f for f in FIRST["findings"] if f["rule"] != "store-unchanged"]
    assert doc["institutions"] == FIRST["institutions"] and doc["figures"] == FIRST["figures"]
    assert query(store, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert query(store, "SELECT table_type FROM information_schema.tables WHERE table_name = 'outcomes'") == [("VIEW",)]
    assert [r[0] for r in query(store, "DESCRIBE outcomes")] == columns
    assert query(store, "SELECT * EXCLUDE (pair) FROM outcomes ORDER BY rid") == rows
    assert not {"project", "completed", "hours_text", "id_prefix", "id_last"} & {r[0] for r in query(store, "DESCRIBE outcome_rows")}
    write_outcomes(work / "成果" / "c_余杭.xlsx", [row(k, YH) for k in range(20, 23)])
    code, doc, text = audit(work, "成果")
    assert consistent(store) == [("a_西湖.xlsx", 6), ("b_鄞州.csv", 6), ("c_余杭.xlsx", 3)]


def test_texts_long_and_odd_are_stored_as_written(work: Path) -> None:
    """The store keeps every text column as DICT_FSST (told so, see zjcredit.store.TEXT_COMPRESSION): a
    text too long for it — a note of 32,767 characters, Excel's limit — is kept all the same, and every
    odd text reads back as written."""
    long_note = "说明" * 16383 + "。"
    odd = ["\u3000前后空白\u3000", "a\tb", "😀 emoji", "'=1+1", "x" * 5000, "", None]
    sent = [row(k, YH, note=long_note if k == 30 else odd[k % len(odd)]) for k in range(30, 44)]
    write_outcomes(work / "成果" / "d_长.csv", sent)
    write_outcomes(work / "成果" / "e_长.xlsx", sent)
    code, _, text = audit(work, "成果")
    assert code == 1, text
    store = work / "核查.duckdb"
    for name in ("d_长.csv", "e_长.xlsx"):
        notes = [r[0] for r in query(store, f"SELECT o.note FROM outcomes o JOIN files f USING (file_id) WHERE f.name = '{name}' ORDER BY o.rid")]
        assert notes[0] == long_note and len(notes) == len(sent), name
        assert notes[1:] == [None if not (s["备注"] or "").strip() else s["备注"] for s in sent[1:]], name
    kinds = dict(query(store, "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('outcome_rows') WHERE segment_type = 'VARCHAR' GROUP BY 1"))
    from zjcredit.store import TEXT_COMPRESSION_SINCE, storage_version

    with Store(store) as opened:
        if (storage_version(opened.db) or (0,)) >= TEXT_COMPRESSION_SINCE:  # (DuckDB 2.0 makes such files)
            assert set(kinds["name"]) == {"DICT_FSST"} and set(kinds["note"]) <= {"DICT_FSST", "Uncompressed"}
    assert "Uncompressed" not in kinds["name"]


@pytest.mark.parametrize("version", [None, "v1.0.0", "v1.2.0", "v1.3.0"])
def test_texts_are_compressed_whatever_the_storage_version_of_the_file(tmp_path: Path, version: str | None) -> None:
    """DICT_FSST is asked for only where the file's storage version can hold it (1.3 and later): in a
    store file of an older version DuckDB chooses as before, rather than storing the texts uncompressed."""
    from zjcredit.store import TEXT_COMPRESSION_SINCE, storage_version

    path = tmp_path / "核查.duckdb"
    if version is not None:  # an empty file of that version, as an older DuckDB made it
        with duckdb.connect() as db:
            try:
                db.execute(f"ATTACH '{path}' AS old (STORAGE_VERSION '{version}')")
            except duckdb.Error:
                pytest.skip(f"this DuckDB ({duckdb.__version__}) cannot make a file of storage version {version}")
            db.execute("DETACH old")
    with Store(path) as store:
        found = storage_version(store.db)
        assert found is not None and (version is None or found[:2] == tuple(int(x) for x in version[1:].split(".")[:2]))
        forced = store.db.execute("SELECT current_setting('force_compression')").fetchone()[0].lower()
        store.db.execute("CREATE TABLE texts AS SELECT 'text ' || (i % 500) AS s FROM range(200000) r(i)")
        store.db.execute("CHECKPOINT")
        kinds = {r[0] for r in store.db.execute("SELECT compression FROM pragma_storage_info('texts') WHERE segment_type = 'VARCHAR'").fetchall()}
    if found >= TEXT_COMPRESSION_SINCE and tuple(int(x) for x in duckdb.__version__.split(".")[:2]) >= (1, 3):
        assert forced == "dict_fsst" and kinds == {"DICT_FSST"}
    else:  # DuckDB chooses, as it does for any file of its own
        assert forced == "auto" and "Uncompressed" not in kinds


def test_texts_as_written_are_read_back(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """完成日期 and 学时数 are kept only where they differ from the date and hours read from them: whatever
    was written, the store gives back the same text; and the ID's parts computed from the ID as a number
    are those the checks found."""
    from zjcredit.documents.audit import ingest

    dates = ["2019-06-10", "2019/6/10", "2019-6-10", "2019年6月10日", " 2019-06-10", "2099-01-01", "0999-01-01", "昨天", "", "20190610", "2019-06-10 00:00:00"]
    hours = ["8", "8.0", "8.5", "08", "８", " 8", "1e3", "0", "-3", "abc", "", "1e20", "99999999999999999", "3.0000000000000004"]
    sent = [row(k, YZ, hours=hours[k % len(hours)], date=dates[k % len(dates)]) for k in range(len(dates) * len(hours))]
    valid = sent[0]["身份证号"]
    ids = [valid, valid[:-1] + ("0" if valid[-1] != "0" else "1"), valid[:-1] + "X", valid[:-1] + "x", valid[:15], "３３" + valid[2:], "ABC",
           "", valid + "1", "99" + valid[2:], valid[:17] + "Y", " " + valid]
    for k, r in enumerate(sent):
        r["身份证号"] = ids[k % len(ids)]
    write_outcomes(work / "成果" / "d_奇.csv", sent)
    write_outcomes(work / "成果" / "e_奇.xlsx", sent)
    read: dict[int, list[dict[str, Any]]] = {}  # by file: each record's place, texts as written and the ID's parts
    rows = ingest.rows

    def spy(part: Any, relation: Any) -> Any:
        seen = relation.select(["rid", "id_prefix", "id_last"])
        seen = seen.append_column("completed", part.sheet.raw("完成日期")).append_column("hours_text", part.sheet.raw("学时数"))
        read.setdefault(part.file_id, []).extend(seen.to_pylist())
        return rows(part, relation)

    monkeypatch.setattr(ingest, "rows", spy)
    code, _, text = audit(work, "成果")
    assert code == 1, text
    store = work / "核查.duckdb"
    assert sorted(read) == [3, 4]
    for file_id, records in read.items():
        assert len(records) == len(sent)
        written = sorted((r["rid"], r["completed"], r["hours_text"]) for r in records)
        assert query(store, f"SELECT rid, completed, hours_text FROM outcomes WHERE file_id = {file_id} ORDER BY rid") == written, file_id
        texts = {r["completed"] for r in records} | {r["hours_text"] for r in records}
        assert {"2019/6/10", "2019年6月10日", "2099-01-01", "8.0", "08", "1e3", "1e20"} <= texts, file_id  # odd ones among them
        parts = sorted((r["rid"], r["id_prefix"], r["id_last"]) for r in records)
        assert {p[1] is None for p in parts} == {True, False}
        assert query(store, f"SELECT rid, id_prefix, id_last FROM outcomes WHERE file_id = {file_id} ORDER BY rid") == parts, file_id
    # Only the texts that are not the date or the hours they stand for are kept.
    kept = query(store, "SELECT count(completed_written), count(hours_written), count(*) FROM outcome_rows")[0]
    assert 0 < kept[0] < kept[2] and 0 < kept[1] < kept[2]


def test_damaged_store_and_a_foreign_database(work: Path) -> None:
    junk = work / "坏.duckdb"
    junk.write_bytes(random.Random(7).randbytes(20_000))
    code, doc, text = audit(work, "成果", store="坏.duckdb")
    assert code == 2 and doc is None and "Traceback" not in text
    assert "不是可用的核查数据库" in text and "坏.duckdb" in text
    assert junk.read_bytes() == random.Random(7).randbytes(20_000)

    with duckdb.connect(str(work / "别的.duckdb")) as db:
        db.execute("CREATE TABLE sales (id INTEGER, amount DOUBLE)")
        db.execute("INSERT INTO sales VALUES (1, 9.5)")
    code, doc, text = audit(work, "成果", store="别的.duckdb")
    assert code == 2 and doc is None and "不是可用的核查数据库" in text and "Traceback" not in text
    assert query(work / "别的.duckdb", "SELECT table_name FROM information_schema.tables") == [("sales",)]  # left as it was


def test_store_opened_with_its_own_settings(work: Path) -> None:
    """The store is attached with a row-group size of its own (a 65,536-record file written straight into the
    file), DuckDB spills beside it rather than into the working folder, a cursor for the writer's thread
    sees the same tables, and a file name with a quote opens."""
    odd = work / "o'brien 核查.duckdb"
    shutil.copy(work / "核查.duckdb", odd)
    with Store(odd) as store:
        assert store.db.execute("SELECT current_setting('temp_directory')").fetchone() == (f"{odd}.tmp",)
        cursor = store.cursor()
        assert cursor.execute("SELECT count(*) FROM outcomes").fetchone() == (12,)
        cursor.execute("CREATE TABLE big AS SELECT range AS i FROM range(65_536 * 2 + 10)")
        cursor.close()
        sizes = store.db.execute("SELECT DISTINCT count FROM pragma_storage_info('big') ORDER BY count").fetchall()
        assert sizes == [(10,), (65_536,)]
    assert query(odd, "SELECT count(*) FROM big") == [(65_536 * 2 + 10,)]  # in the file, not in memory
    code, doc, text = audit(work, "成果", store=odd.name)
    assert code == 1 and "store-unchanged" in {f["rule"] for f in doc["findings"]}, text


# Export ----------------------------------------------------------------------------------------------------------


def test_export_parquet_by_period_and_county(work: Path) -> None:
    out = work / "导出"
    code, _, text = invoke("store", "export", out, "--store", work / "核查.duckdb")
    assert code == 0, text
    assert text.splitlines() == ["outcomes: 12", "files: 2", "sheets: 2", "findings: 1", "projects: 3", "courses: 3", "ledgers: 0"]
    parts = sorted(str(p.parent.relative_to(out)) for p in out.rglob("*.parquet") if p.parent != out)
    assert parts == ["outcomes/period=2019H1/county=330106", "outcomes/period=2019H1/county=330212", "outcomes/period=unknown/county=unknown"]
    outcomes = f"read_parquet('{out}/outcomes/*/*/*.parquet', hive_partitioning = true)"
    with duckdb.connect() as db:
        assert db.execute(f"SELECT period, county, count(*) FROM {outcomes} GROUP BY ALL ORDER BY ALL").fetchall() == [
            ("2019H1", "330106", 6), ("2019H1", "330212", 5), ("unknown", "unknown", 1),
        ]
        ids = db.execute(f"SELECT id_number FROM {outcomes} WHERE county = '330106' ORDER BY \"row\"").fetchall()
        assert [i for (i,) in ids] == [row(k, XH)["身份证号"] for k in range(1, 7)]
        assert db.execute(f"SELECT rule, cell FROM '{out}/findings.parquet'").fetchall() == [("id-checksum", "C7")]
        assert db.execute(f"SELECT count(*) FROM '{out}/projects.parquet'").fetchone() == (3,)
        assert db.execute(f"SELECT path FROM '{out}/files.parquet' ORDER BY file_id").fetchall() == [("成果/a_西湖.xlsx",), ("成果/b_鄞州.csv",)]
    code, _, text = invoke("store", "export", out, "--store", work / "核查.duckdb")
    assert code == 2 and "--force" in text
    assert invoke("store", "export", out, "--store", work / "核查.duckdb", "--force")[0] == 0
    code, _, text = invoke("store", "export", work / "别处", "--store", work / "没有.duckdb")
    assert code == 2 and "没有.duckdb" in text and not (work / "没有.duckdb").exists()
