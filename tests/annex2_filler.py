"""Type into an Annex 2 workbook the way a clerk does: the cell right of each label, the area under
培训项目介绍, the course table. Shared by the reader and round-trip tests."""

from __future__ import annotations

from typing import Any

from zjcredit.domain.schema import header_key


def fill_annex2_sheet(ws: Any, header: dict[str, Any], projects: list[dict[str, Any]]) -> None:
    def right(cell: Any) -> Any:
        for rng in ws.merged_cells.ranges:
            if cell.coordinate in rng:
                return ws.cell(row=cell.row, column=rng.max_col + 1)
        return ws.cell(row=cell.row, column=cell.column + 1)

    block = 0
    for row in list(ws.iter_rows()):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            key = header_key(cell.value)
            if key.startswith("培训项目") and key[4:5].isdigit():
                block = int(key[4:].split("：")[0])
                if block <= len(projects):
                    right(cell).value = projects[block - 1].get("项目名称")
                continue
            values = header if block == 0 else (projects[block - 1] if block <= len(projects) else {})
            if key.startswith("培训项目介绍") and "培训项目介绍" in values:
                ws.cell(row=cell.row + 1, column=1).value = values["培训项目介绍"]
            elif key == "课程名称":
                for i, (name, hours, teacher) in enumerate(values.get("courses", ())):
                    ws.cell(row=cell.row + 1 + i, column=1).value = name
                    ws.cell(row=cell.row + 1 + i, column=3).value = hours
                    ws.cell(row=cell.row + 1 + i, column=4).value = teacher
            elif key in values and cell.column in (1, 3):
                right(cell).value = values[key]
