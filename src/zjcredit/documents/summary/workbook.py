"""Writing the summary workbook: the official Annex 1 layout (built by :mod:`zjcredit.templates`) filled
with the rows, plus a sheet 统计 with counts by category, target group and county, and a chart."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from zjcredit.documents.summary.rows import Region, Row
from zjcredit.domain import divisions, vocab
from zjcredit.domain.normalize import plain_number
from zjcredit.domain.schema import ANNEX1

STATS_SHEET = "统计"
INVALID_FILL = "FFC7CE"
NOTE_FIELD = "备注"
NOTE_WIDTH = 24  # with the eleven columns, still A4 landscape at 9 pt or more
# A project with no 项目类别 or 培训对象 is counted under this in the statistics.
NOT_FILLED = "（未填）"


def write_summary(output: Path, rows: list[Row], region: Region, filler: str | None, date: dt.date, force: bool, inputs: list[Path]) -> None:
    """Write the workbook to ``output`` atomically (never over an input, over an existing file only with ``force``)."""
    from zjcredit.report.output import mark_output, write_atomic
    from zjcredit.templates import workbook_bytes

    data = workbook_bytes(mark_output(summary_workbook(rows, region, filler, date), "summary"))
    write_atomic(output, lambda tmp: tmp.write_bytes(data), force=force, inputs=inputs)


def summary_workbook(rows: list[Row], region: Region, filler: str | None, date: dt.date) -> Any:
    """The Annex 1 workbook (template layout) filled with ``rows``, plus the 统计 sheet."""
    from zjcredit import templates

    wb = templates.build_workbook("annex1")
    ws = wb.worksheets[0]
    guide = getattr(templates, "GUIDE_SHEET", None)
    if guide in wb.sheetnames:
        del wb[guide]  # filling instructions are for blank forms
    wb.properties.created = dt.datetime.combine(date, dt.time())
    _fill_header_lines(ws, region, filler, date)
    _fill_rows(ws, rows)
    _stats_sheet(wb, rows, region, date)
    return wb


def _fill_rows(ws: Any, rows: list[Row]) -> None:
    """The rows under the header in the template's row style; rows kept with errors red, with a 备注 column."""
    from copy import copy

    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    from zjcredit import templates
    from zjcredit.report.output import set_text

    header = _header_row(ws)
    start = header + 1
    names = ANNEX1.names
    templ = [copy(ws.cell(row=start, column=c + 1)._style) for c in range(len(names))]
    notes = any(r.note for r in rows)
    red = PatternFill("solid", fgColor=INVALID_FILL)
    for i, row in enumerate(rows):
        r = start + i
        values = dict(row.values, 序号=i + 1)
        for c, name in enumerate(names):
            cell = ws.cell(row=r, column=c + 1)
            cell._style = copy(templ[c])
            set_text(cell, values.get(name))
            if row.note:
                cell.fill = red
        if notes:
            cell = ws.cell(row=r, column=len(names) + 1)
            cell._style = copy(templ[1])
            set_text(cell, row.note)
            if row.note:
                cell.fill = red
    last_row = start + len(rows) - 1
    if ws.max_row > last_row:
        ws.delete_rows(last_row + 1, ws.max_row - last_row)
    last_col = len(names) + (1 if notes else 0)
    if notes:
        head = ws.cell(row=header, column=len(names) + 1)
        head._style = copy(ws.cell(row=header, column=2)._style)
        head.value = NOTE_FIELD
        ws.column_dimensions[get_column_letter(last_col)].width = NOTE_WIDTH
    templates.fit_row_heights(ws, start, last_row)  # long 申报单位/培训对象 wrap instead of spilling over
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"


def _text_cells(ws: Any, max_row: int = 12) -> Iterable[Any]:
    for row in ws.iter_rows(min_row=1, max_row=max_row):
        for cell in row:
            if isinstance(cell.value, str):
                yield cell


def _right_of(ws: Any, cell: Any) -> Any:
    """The first cell right of ``cell``, past the merged range that starts at it."""
    col = cell.column
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= cell.row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            col = rng.max_col
            break
    return ws.cell(row=cell.row, column=col + 1)


def _fill_header_lines(ws: Any, region: Region, filler: str | None, date: dt.date) -> None:
    """Fill 所在区域 (the blanks before 市 and 县（市、区）), 填报人 and 填报时间 wherever the template puts them."""
    from zjcredit.report.output import set_text

    for cell in list(_text_cells(ws)):
        key = re.sub(r"\s+", "", cell.value)
        if key.startswith("所在区域"):
            _fill_region(ws, cell, region)
        elif key.startswith(("填报人", "填表人")):
            set_text(_right_of(ws, cell), filler)
        elif key.startswith("填报时间"):
            target = _right_of(ws, cell)
            target.value = date
            target.number_format = "yyyy-mm-dd"


def _fill_region(ws: Any, label: Any, region: Region) -> None:
    """The region after its label as it reads when filled in: 杭州市 西湖区 (a layout with the notice's unit
    blanks, ____市、____县（市、区）, gets the short names in its blanks)."""
    from zjcredit.report.output import set_text

    units = {}
    for c in range(label.column + 1, label.column + 12):
        v = ws.cell(row=label.row, column=c).value
        if isinstance(v, str):
            units.setdefault(v.strip()[:1], c)
    if "市" in units and "县" in units:
        set_text(ws.cell(row=label.row, column=units["市"] - 1), divisions.short_name(region.city) if region.city else None)
        set_text(ws.cell(row=label.row, column=units["县"] - 1), divisions.short_name(region.county) if region.county else None)
    else:
        set_text(_right_of(ws, label), " ".join(p for p in (region.city, region.county) if p) or None)


def _header_row(ws: Any) -> int:
    wanted = set(ANNEX1.names)
    for row in ws.iter_rows(min_row=1, max_row=20):
        found = {re.sub(r"\s+", "", c.value) for c in row if isinstance(c.value, str)}
        if wanted <= found:
            return int(row[0].row)
    raise RuntimeError("the Annex 1 template has no header row")  # pragma: no cover - the templates are ours


# Statistics -------------------------------------------------------------------------------------------

Tally = list[tuple[str, int, Any, Any]]  # (key, projects, 培训规模, 学时数)


def _total(x: float) -> Any:
    """A sum as written in the statistics: two decimals at most, an int when whole."""
    return plain_number(round(x, 2))


def _number(value: Any) -> float:
    """培训规模 / 学时数 of a row for the sums; a value that is no number counts 0."""
    return value if isinstance(value, (int, float)) else 0


def _vocab_order(values: Iterable[str], order: tuple[str, ...]) -> list[str]:
    rank = {v: i for i, v in enumerate(order)}
    return sorted(set(values), key=lambda v: (rank.get(v, len(order)), v))


def _tally(rows: list[Row], keys_of: Callable[[Row], list[str]], order: tuple[str, ...]) -> Tally:
    acc: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for row in rows:
        for key in keys_of(row):
            a = acc[key]
            a[0] += 1
            a[1] += _number(row.values["培训规模"])
            a[2] += _number(row.values["学时数"])
    return [(k, int(acc[k][0]), _total(acc[k][1]), _total(acc[k][2])) for k in _vocab_order(acc, order)]


def statistics(rows: list[Row]) -> list[tuple[str, str, Tally]]:
    """Tables (title, key heading, [(key, projects, 培训规模, 学时数)]) by category, target and county."""
    return [
        ("按项目类别", "项目类别", _tally(rows, lambda r: [r.values["项目类别"] or NOT_FILLED], vocab.CATEGORIES)),
        ("按培训对象（一个项目有多个对象时，分别计入每个对象）", "培训对象", _tally(rows, lambda r: vocab.split_targets(r.values["培训对象"]) or [NOT_FILLED], vocab.TARGETS)),
        ("按所在县（市、区）", "所在县（市、区）", _tally(rows, lambda r: [r.county], ())),
    ]


def _stats_sheet(wb: Any, rows: list[Row], region: Region, date: dt.date) -> None:
    from openpyxl.styles import Alignment, Font

    from zjcredit.report.output import set_text
    from zjcredit.templates import LINE_HEIGHT, ROW_PADDING, lines_needed, print_setup

    ws = wb.create_sheet(STATS_SHEET, 1)
    for letter, width in zip("ABCD", (30, 10, 16, 12)):
        ws.column_dimensions[letter].width = width
    ws["A1"] = "申报项目统计"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    where = (region.city or "") + (region.county or "")
    total_scale = sum(_number(r.values["培训规模"]) for r in rows)
    total_hours = sum(_number(r.values["学时数"]) for r in rows)
    set_text(ws["A2"], f"{where + '，' if where else ''}共 {len(rows)} 个项目，培训规模合计 {_total(total_scale)} 人，学时数合计 {_total(total_hours)}；统计日期 {date.isoformat()}。")
    ws["A2"].font = Font(name="宋体", size=11)
    # The sentence is wider than the tables: wrap it over A:D instead of letting it run under the chart.
    ws.merge_cells("A2:D2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = lines_needed(str(ws["A2"].value), 66) * LINE_HEIGHT + ROW_PADDING
    top, bottom = _stats_tables(ws, statistics(rows))
    _stats_chart(ws, top, bottom)
    print_setup(ws, landscape=True)


def _stats_tables(ws: Any, tables: list[tuple[str, str, Tally]]) -> tuple[int, int]:
    """The tables from row 4 down; returns the first table's header and last rows (the chart's data)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from zjcredit.report.output import set_text

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold, body = Font(name="宋体", size=11, bold=True), Font(name="宋体", size=11)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    r = 4
    first_table: tuple[int, int] | None = None
    for title, heading, table in tables:
        ws.cell(row=r, column=1, value=title).font = bold
        r += 1
        for c, text in enumerate((heading, "项目数", "培训规模（人）", "学时数"), start=1):
            cell = ws.cell(row=r, column=c, value=text)
            cell.font, cell.fill, cell.border = bold, head_fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center")
        top = r
        for line in table:
            r += 1
            for c, v in enumerate(line, start=1):
                cell = ws.cell(row=r, column=c)
                set_text(cell, v)
                cell.font, cell.border = body, border
                if c == 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="center")
        first_table = first_table or (top, r)
        r += 1
        if heading != "培训对象":  # a project counts once per target group: a total would count it twice
            total = ("合计", sum(t[1] for t in table), _total(sum(t[2] for t in table)), _total(sum(t[3] for t in table)))
            for c, v in enumerate(total, start=1):
                cell = ws.cell(row=r, column=c, value=v)
                cell.font, cell.border = bold, border
            r += 1
        r += 1
    assert first_table is not None
    return first_table


def _stats_chart(ws: Any, top: int, bottom: int) -> None:
    """Horizontal bars of the projects per category (the first table)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList

    chart = BarChart()
    chart.type = "bar"  # horizontal bars: category names are long
    chart.style = 10
    chart.title = "各项目类别的项目数"
    chart.y_axis.title = "项目数"
    chart.legend = None
    chart.x_axis.delete = False  # openpyxl 3.1 would otherwise hide both axes in Excel
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=bottom), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    # Categories top to bottom in the table's order (a bar chart otherwise starts at the bottom), with
    # the count axis kept below the bars; whole-number ticks and the count printed at each bar.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    most = max((ws.cell(row=r, column=2).value or 0 for r in range(top + 1, bottom + 1)), default=0)
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorUnit = max(1, -(-most // 8))
    chart.y_axis.number_format = "0"
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False)
    chart.gapWidth = 60
    chart.height = max(7.5, 0.8 * (bottom - top) + 3)
    chart.width = 18
    ws.add_chart(chart, "F4")
