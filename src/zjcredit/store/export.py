"""`zjcredit store export DIR`: the store's tables as Parquet files, the outcome records partitioned by
catalog period and county (``DIR/outcomes/period=2019H1/county=330106/…``), so that a larger engine can
take over should a province ever outgrow one machine."""

from __future__ import annotations

from pathlib import Path

from zjcredit.errors import UsageError
from zjcredit.store import Store

TABLES = ("files", "sheets", "findings", "projects", "courses", "ledgers")


def export(store_path: Path, target: Path, *, force: bool = False) -> dict[str, int]:
    """Write the store at ``store_path`` into the folder ``target``; the rows written per table."""
    if not store_path.exists():
        raise UsageError(f"找不到核查数据库 {store_path}。", f"The store {store_path} does not exist.")
    if target.exists() and any(target.iterdir()) and not force:
        raise UsageError(f"文件夹 {target} 不是空的；如需覆盖，请加 --force。", f"The folder {target} is not empty; add --force to write into it.")
    target.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with Store(store_path) as store:
        db = store.db
        outcomes = target / "outcomes"
        db.execute(
            f"""COPY (
                SELECT o.*, coalesce(p.period, 'unknown') AS period, coalesce(substr(p.code, 1, 6), 'unknown') AS county
                FROM outcomes o LEFT JOIN projects p ON p.code = o.project
            ) TO '{_sql_path(outcomes)}' (FORMAT parquet, PARTITION_BY (period, county), OVERWRITE_OR_IGNORE true)"""  # noqa: S608 - our own path, quoted
        )
        counts["outcomes"] = int(db.execute("SELECT count(*) FROM outcomes").fetchone()[0])
        for table in TABLES:
            db.execute(f"COPY {table} TO '{_sql_path(target / (table + '.parquet'))}' (FORMAT parquet)")  # noqa: S608 - our own names
            counts[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    return counts


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
