"""`catalog build --review`: the sub-center's review sheet (机构代码, 项目名称, 审核结果, 审核意见) decides
which projects enter the catalog; only approved ones do, and a project of the previous catalog stays
unless it is rejected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjcredit.documents.catalog.candidates import Candidate, catalog_key
from zjcredit.documents.catalog.model import CatalogProject
from zjcredit.domain.normalize import compact
from zjcredit.domain.schema import REVIEW
from zjcredit.errors import Unreadable, UsageError, ZjcreditError
from zjcredit.io.tables import Record, Table, read_table
from zjcredit.io.readers import read_grid
from zjcredit.report.findings import FileResult, make, register

APPROVED = frozenset({"通过", "审核通过", "同意", "批准", "是", "√", "✓", "✔", "y", "yes"})
REJECTED = frozenset({"不通过", "未通过", "审核不通过", "不同意", "不批准", "驳回", "否", "×", "✗", "✘", "n", "no"})


@dataclass
class ReviewRow:
    key: tuple[str, str]
    approved: bool | None  # None: neither 通过 nor 不通过
    result: str | None
    opinion: str | None
    org_code: str | None
    name: str | None
    row: int
    sheet: str | None
    cells: dict[str, str | None]
    used: bool = False

    def at(self, field: str, value: Any) -> dict[str, Any]:
        """Where a finding about this row points: its ``field`` cell."""
        return {"sheet": self.sheet, "cell": self.cells[field], "row": self.row, "field": field, "value": value}


@dataclass
class Review:
    path: str
    result: FileResult
    rows: dict[tuple[str, str], ReviewRow]


@dataclass
class Decisions:
    """What a review did: ``rejected`` and ``not_approved`` for the report, the previous codes it removed."""

    rejected: list[dict[str, Any]]
    not_approved: list[dict[str, Any]]
    removed_codes: set[str]


# Reading the review sheet -----------------------------------------------------------------------------

REVIEW_DUPLICATE = register(
    "review-duplicate",
    "warning",
    "同一项目（机构代码 {org_code}、项目名称“{value}”）在审核结果表中出现了两次，以第 {first} 行为准。",
    "The same project (机构代码 {org_code}, 项目名称 '{value}') appears twice in the review sheet; row {first} is used.",
    title_zh="审核结果重复",
    title_en="project reviewed twice",
)


def _verdict(text: str | None) -> bool | None:
    key = compact(text).casefold()
    if key in APPROVED:
        return True
    if key in REJECTED:
        return False
    return None


def _review_row(table: Table, rec: Record) -> ReviewRow | None:
    org_code, name = compact(rec.text("机构代码")) or None, rec.text("项目名称")
    if not org_code and not name:
        return None
    cells = {f: table.cell_of(f, rec.row) for f in ("机构代码", "项目名称", "审核结果", "审核意见")}
    result_text = rec.text("审核结果")
    return ReviewRow(catalog_key(org_code, name), _verdict(result_text), result_text, rec.text("审核意见"), org_code, name, rec.row, table.sheet, cells)


def load_review(path: Path) -> Review:
    """Read the review sheet; a missing or unusable one is a usage error (exit 2)."""
    display = str(path)
    if not path.exists():
        raise UsageError(f"找不到审核结果表 {path}。", f"Review file {path} does not exist.")
    try:
        grid = read_grid(path, display)
    except Unreadable as exc:
        raise ZjcreditError(f"无法读取审核结果表：{exc.zh}", f"Cannot read the review file: {exc.en}") from None
    for sheet in grid.sheets:
        table = read_table(sheet, REVIEW)
        if table is None or not {"机构代码", "项目名称", "审核结果"} <= table.columns.keys():
            continue
        result = FileResult(display, "review", len(table.records))
        rows: dict[tuple[str, str], ReviewRow] = {}
        for rec in table.records:
            row = _review_row(table, rec)
            if row is None:
                continue
            if row.key in rows:
                result.findings.append(make(REVIEW_DUPLICATE, display, **row.at("项目名称", row.name), org_code=row.org_code or "", first=rows[row.key].row))
                continue
            rows[row.key] = row
        return Review(display, result, rows)
    raise UsageError(
        f"审核结果表 {path} 中找不到含“机构代码”“项目名称”“审核结果”三列的表头。请按说明准备审核结果表（另可有“审核意见”列）。",
        f"The review file {path} has no header with the columns 机构代码, 项目名称 and 审核结果 (plus optionally 审核意见).",
    )


# Applying it ------------------------------------------------------------------------------------------

REVIEW_REJECTED = register(
    "review-rejected",
    "info",
    "审核未通过：“{name}”（{org}）未收入目录。审核意见：{opinion}",
    "Not approved: '{name}' ({org}) is not in the catalog. Reviewer's comment: {opinion}",
    title_zh="审核未通过",
    title_en="rejected in review",
)
REVIEW_MISSING = register(
    "review-missing",
    "warning",
    "审核结果表中没有这个项目（机构代码 {org_code}、项目名称“{value}”），视为未通过，未收入目录。请在审核结果表中补上这一行。",
    "The review sheet has no row for this project (机构代码 {org_code}, 项目名称 '{value}'); it counts as not approved and was left out. Add a row for it to the review sheet.",
    title_zh="审核结果表中没有该项目",
    title_en="project missing from the review sheet",
)
REVIEW_RESULT_INVALID = register(
    "review-result-invalid",
    "warning",
    "审核结果应为“通过”或“不通过”，这里是“{value}”；该项目视为未通过，未收入目录。",
    "审核结果 should be 通过 or 不通过, found '{value}'; the project counts as not approved and was left out.",
    title_zh="审核结果无效",
    title_en="invalid review result",
)
PREVIOUS_REMOVED = register(
    "catalog-previous-removed",
    "warning",
    "上一版目录中的项目 {code}（“{name}”）在本次审核中未通过，已从目录中删除；该编码不再使用。已按此编码存入的学习成果需另行处理。",
    "Project {code} ('{name}') of the previous catalog was rejected in this review and removed; its code is retired. Outcomes already deposited under it need attention.",
    title_zh="上一版目录中的项目被删除",
    title_en="previous project removed",
)


def apply_review(candidates: list[Candidate], rev: Review, previous: dict[tuple[str, str], CatalogProject], results: dict[str, FileResult]) -> tuple[list[Candidate], Decisions]:
    """Only approved projects stay; a project already in the previous catalog stays unless rejected."""
    decisions = Decisions([], [], set())
    out = []
    for c in candidates:
        row = rev.rows.get(c.key)
        in_previous = c.key in previous
        if row is not None:
            row.used = True
        if row is not None and row.approved is True:
            out.append(c)
        elif row is not None and row.approved is False:
            _reject(row, rev, c.values.get("申报单位") or c.values.get("机构代码") or "", decisions)
            if in_previous:
                decisions.removed_codes.add(previous[c.key].code)
                results[c.path].findings.append(make(PREVIOUS_REMOVED, c.path, **c.at(), name=c.name or "", code=previous[c.key].code))
        elif in_previous:
            out.append(c)  # approved before; a review sheet for the late projects need not repeat it
        else:
            _not_approved(c, row, rev, results, decisions)
    # Previous projects absent from the inputs may be rejected explicitly, too.
    for key, p in previous.items():
        row = rev.rows.get(key)
        if row is not None and not row.used and row.approved is False:
            row.used = True
            _reject(row, rev, p.org_name or p.org_code or "", decisions)
            decisions.removed_codes.add(p.code)
            rev.result.findings.append(make(PREVIOUS_REMOVED, rev.path, **row.at("审核结果", row.result), name=p.name or "", code=p.code))
    return out, decisions


def _not_approved(c: Candidate, row: ReviewRow | None, rev: Review, results: dict[str, FileResult], decisions: Decisions) -> None:
    if row is None:
        results[c.path].findings.append(make(REVIEW_MISSING, c.path, **c.at(), org_code=c.values.get("机构代码") or ""))
    else:
        rev.result.findings.append(make(REVIEW_RESULT_INVALID, rev.path, **row.at("审核结果", row.result)))
    decisions.not_approved.append({"path": c.path, "org_code": c.values.get("机构代码"), "name": c.name, "review": row.result if row else None})


def _reject(row: ReviewRow, rev: Review, org: str, decisions: Decisions) -> None:
    rev.result.findings.append(make(REVIEW_REJECTED, rev.path, **row.at("审核结果", row.result), name=row.name or "", org=org, opinion=row.opinion or "（无）"))
    decisions.rejected.append({"org_code": row.org_code, "name": row.name, "opinion": row.opinion, "row": row.row})


REVIEW_UNMATCHED = register(
    "review-unmatched",
    "warning",
    "审核结果表这一行（机构代码 {org_code}、项目名称“{value}”）在输入的申报表、汇总表和上一版目录中都找不到对应的项目。请核对机构代码和项目名称。",
    "This review row (机构代码 {org_code}, 项目名称 '{value}') matches no project in the inputs or the previous catalog; check the code and name.",
    title_zh="审核行找不到对应项目",
    title_en="review row matches no project",
)


def unmatched_rows(rev: Review, known: set[tuple[str, str]]) -> None:
    """Rule review-unmatched: a review row naming no project read (nor one of the previous catalog)."""
    for row in rev.rows.values():
        if row.key not in known:
            rev.result.findings.append(make(REVIEW_UNMATCHED, rev.path, **row.at("项目名称", row.name), org_code=row.org_code or ""))
