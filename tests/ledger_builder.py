"""Tiny process ledgers and catalogs for the ledger tests: a clean ledger's parts as rows, written as one
workbook or as a folder of files, for the tests to spoil one thing at a time.

Every part sheet has a title line ``项目编码：…`` in row 1 and its header in row 2, so data starts in row 3
(the sign-in grid has its dates in the header row)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from zjcredit.domain.idcard import make_id

TODAY = dt.date(2024, 6, 1)
P1, P2, P3 = "330106-2019H1-001", "330106-2019H1-002", "330106-2019H1-003"
DATES = ("3月5日", "3月12日", "3月19日", "3月26日")
Parts = dict[str, list[list[Any]]]


def build_catalog(path: Path) -> Path:
    """A catalog as `zjcredit catalog build` writes it: P1 and P2 of ORG001, P3 of ORG002 (2019H1)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在市", "所在县", "目录期次"])
    ws.append([P1, "电工实操", "企业职工培训", "企业职工", "线下面授", 50, 24, 24, "结业证书", "考查", "西湖成校", "ORG001", "杭州市", "西湖区", "2019H1"])
    ws.append([P2, "太极养生", "老年教育培训", "老年群体", "线下面授", 50, 16, 16, "结业证书", "考查", "西湖成校", "ORG001", "杭州市", "西湖区", "2019H1"])
    ws.append([P3, "研学", "青少年课外教育培训", "在校学生", "线下面授", 50, 8, 8, "结业证书", "考查", "转塘成校", "ORG002", "杭州市", "西湖区", "2019H1"])
    cs = wb.create_sheet("课程目录")
    cs.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
    cs.append([P1 + "-01", P1, "理论", 8, "王"])
    cs.append([P1 + "-02", P1, "实操", 16, "李"])
    cs.append([P2 + "-01", P2, "太极", 16, "张"])
    cs.append([P3 + "-01", P3, "研学", 8, "赵"])
    wb.save(path)
    return path


def learner(k: int) -> tuple[str, str, str]:
    """(name, ID, phone) of distinct learners."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=k * 211)
    return f"学员{k}", make_id("330106", birth, 11 + 2 * k), f"139{k:08d}"


def clean_parts(n: int = 5, dates: tuple[str, ...] = DATES, first: int = 0) -> Parts:
    """A clean ledger of P1: ``n`` learners (numbered from ``first``), present at every session."""
    people = [learner(first + k) for k in range(n)]
    return {
        "学员信息表": [["序号", "姓名", "身份证号", "联系电话"]] + [[k + 1, nm, i, p] for k, (nm, i, p) in enumerate(people)],
        "签到表": [["序号", "姓名", "身份证号", *dates]] + [[k + 1, nm, i, *["√"] * len(dates)] for k, (nm, i, _) in enumerate(people)],
        "项目课程设计表": [["序号", "课程名称", "学时", "授课教师", "授课日期"], [1, "理论", 8, "王", "2019-03-05"], [2, "实操", 16, "李", "2019-03-12"]],
        "开展情况记录": [["序号", "日期", "地点", "培训内容", "参加人数", "记录人"]] + [[j + 1, d, "成校", "课", n, "王"] for j, d in enumerate(dates)],
        "学习成果评价表": [["序号", "姓名", "身份证号", "考核方式", "考核结果", "评价日期"]] + [[k + 1, nm, i, "实操", "合格", "2019-03-30"] for k, (nm, i, _) in enumerate(people)],
    }


def _sheet(ws: Any, rows: list[list[Any]], title: list[Any] | None) -> None:
    if title is not None:
        ws.append(title)
    for row in rows:
        ws.append(row)


def write_workbook(path: Path, parts: Parts, code: str | None = P1, titles: dict[str, list[Any]] | None = None) -> Path:
    """The parts as sheets of one workbook (sheet name = part name unless the key says otherwise), each
    under ``项目编码：code`` (or ``titles[part]``); a sheet whose rows are a list of sheets' rows is not used."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in parts.items():
        title = (titles or {}).get(name, [f"项目编码：{code}"] if code else None)
        _sheet(wb.create_sheet(name), rows, title)
    wb.save(path)
    return path


def write_folder(folder: Path, parts: Parts, code: str | None = P1, csv_parts: tuple[str, ...] = ()) -> Path:
    """The parts as one file each in ``folder`` (CSV for ``csv_parts``, GB18030 for the sign-in)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in parts.items():
        title = [f"项目编码：{code}"] if code else None
        if name in csv_parts:
            encoding = "gb18030" if name == "签到表" else "utf-8-sig"
            with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as fh:
                writer = csv.writer(fh)
                if title:
                    writer.writerow(title)
                writer.writerows(rows)
        else:
            wb = openpyxl.Workbook()
            _sheet(wb.active, rows, title)
            wb.save(folder / f"{name}.xlsx")
    return folder


def outcome_sheet(path: Path, rows: list[list[Any]]) -> Path:
    """An outcome sheet: 序号, 姓名, 身份证号, 联系电话, 机构代码, 项目编码, 课程编码, 学时数, 考核结果, 完成日期."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学习成果"
    ws.append(["序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "学时数", "考核结果", "完成日期"])
    for k, row in enumerate(rows, start=1):
        ws.append([k, *row])
    wb.save(path)
    return path


def outcome_row(k: int, project: str = P1, result: str = "合格") -> list[Any]:
    name, number, phone = learner(k)
    return [name, number, phone, "ORG001", project, project + "-01", 8, result, "2019-04-01"]
