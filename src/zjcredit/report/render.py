"""Render a report as a rich table, JSON or CSV. The library never imports this module."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import defaultdict
from typing import Any

from zjcredit import __version__
from zjcredit.report.findings import FINDING_KEYS, Finding, Report, Severity
from zjcredit.report.output import escape_formula


# In the table, the same rule with the same field and value is folded once it repeats this often.
GROUP_AT = 4
ROWS_SHOWN_IN_GROUP = 5
# A rule with more lines than this in one file's table keeps its first ROWS_SHOWN_IN_GROUP and a line
# saying how many more there are (only in the table: JSON, CSV and the workbook list every finding).
FOLD_AT = 7
PATH_HEADERS = ("文件", "输出文件", "file", "output", "path", "路径")
PATH_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".json", ".txt", ".duckdb")

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
SEVERITY_EN = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def _sev(sev: Severity, lang: str) -> str:
    return (SEVERITY_EN if lang == "en" else SEVERITY_ZH)[sev]


def sort_key(f: Finding) -> tuple[Any, ...]:
    col = 0
    if f.cell:
        letters = "".join(ch for ch in f.cell if ch.isalpha())
        for ch in letters:
            col = col * 26 + (ord(ch) - 64)
    return (f.sheet or "", f.row if f.row is not None else -1, col, f.project or 0, f.rule, f.field or "")


def ordered_findings(report: Report) -> list[Finding]:
    """Findings in a stable order: by file as given, then sheet, row, column, rule."""
    out: list[Finding] = []
    for fr in report.files:
        out.extend(sorted(fr.findings, key=sort_key))
    return out


def to_json(report: Report, lang: str) -> str:
    listed = _made_ahead(report, ("json", lang))
    if listed is None:
        listed = _findings_json(ordered_findings(report), lang)
    doc: dict[str, Any] = {
        "zjcredit": __version__,
        "command": report.command,
        "files": [fr.to_dict() for fr in report.inputs],
        "findings": _FINDINGS_MARK if listed is not None else [f.to_dict(lang) for f in ordered_findings(report)],
        "summary": {
            "files": len(report.inputs),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
    }
    for key, value in sorted(report.extra.items()):
        if key not in doc:
            doc[key] = value
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if listed is not None:
        text = text.replace(json.dumps(_FINDINGS_MARK), listed, 1)
    return text + "\n"


def findings_json_ahead(
    report: Report, lang: str, messages: dict[int, str] | None = None, ordered: list[Finding] | None = None, items: dict[int, str | None] | None = None,
) -> None:
    """Make the findings' part of :func:`to_json` now (an audit does it on a thread while DuckDB counts the
    verdicts and figures), for :func:`to_json` to take as long as the report holds the same files, with as
    many findings each. Made already: ``messages``, the findings' messages in ``lang`` (by ``id``);
    ``ordered``, :func:`ordered_findings` of the report; ``items``, findings' :func:`finding_item` (by ``id``)."""
    findings = ordered if ordered is not None else ordered_findings(report)
    report.ahead[("json", lang)] = (_files_now(report), _findings_json(findings, lang, messages, items))


def _files_now(report: Report) -> tuple[tuple[Any, int], ...]:
    return tuple((fr, len(fr.findings)) for fr in report.files)


def _made_ahead(report: Report, key: tuple[str, str]) -> Any:
    """What was made ahead under ``key`` for this report, if it still holds the files it was made from."""
    made = report.ahead.get(key)
    if made is None:
        return None
    files, value = made
    now = _files_now(report)
    same = len(files) == len(now) and all(a is b and m == n for (a, m), (b, n) in zip(files, now))
    return value if same else None


# Where the findings go in the document: a text no path holds (no file name has a NUL character), and the
# first one in the document (only "files" comes before it).
_FINDINGS_MARK = "\x00zjcredit:findings\x00"


def _findings_json(findings: list[Finding], lang: str, messages: dict[int, str] | None = None, items: dict[int, str | None] | None = None) -> str | None:
    """The findings as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes them in the document (a list
    under a top-level key), character for character, but a value at a time through the C encoder of
    strings — Python's encoder with an indent is pure Python, half a second for 12,000 findings. None when
    a value is other than text, a number or null (then the plain encoder does it). ``items``: findings'
    :func:`finding_item` made before (by ``id``)."""
    if not findings:
        return "[]"
    out = []
    for f in findings:
        item = items.get(id(f)) if items is not None else None
        if item is None:
            item = finding_item(f, lang, messages.get(id(f)) if messages is not None else None)
            if item is None:
                return None
        out.append(item)
    return "[\n" + ",\n".join(out) + "\n  ]"


def finding_item(f: Finding, lang: str, message: str | None = None) -> str | None:
    """A finding as an item of :func:`_findings_json`'s list; None when a value is other than text, a
    number or null."""
    encode = json.encoder.encode_basestring  # the C one where there is one, as json.dumps uses
    lines = []
    for key, value in f.to_dict(lang, message).items():
        if value is None:
            text = "null"
        elif type(value) is str:
            text = encode(value)
        elif type(value) is int:
            text = int.__repr__(value)
        else:
            return None
        lines.append(f'      "{key}": {text}')
    return "    {\n" + ",\n".join(lines) + "\n    }"


def to_csv(report: Report, lang: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # The csv module does not quote a lone carriage return when lines end in "\n"; such rows are quoted whole.
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(FINDING_KEYS)
    for f in ordered_findings(report):
        d = f.to_dict(lang)
        values = [escape_formula("" if d[k] is None else str(d[k])) for k in FINDING_KEYS]
        (quoted if any("\r" in v for v in values) else writer).writerow(values)
    return buf.getvalue()


def visible(text: str | None) -> str:
    """Make invisible characters visible: non-breaking and full-width spaces, zero-width marks, breaks."""
    if text is None:
        return ""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("⏎")
        elif ch == "\t":
            out.append("⇥")
        elif ch == " ":
            out.append(" ")
        elif ch == "\u3000":
            out.append("□")
        elif unicodedata.category(ch) in ("Zs", "Cc", "Cf", "Zl", "Zp"):
            out.append(f"⟨U+{ord(ch):04X}⟩")
        else:
            out.append(ch)
    s = "".join(out)
    if s != s.strip(" "):
        s = "␣" * (len(s) - len(s.lstrip(" "))) + s.strip(" ") + "␣" * (len(s) - len(s.rstrip(" ")))
    if len(s) > 60:
        s = s[:57] + "…"
    return s


def _where(f: Finding, lang: str = "zh") -> str:
    """sheet!cell, or the sheet and row when the finding has no single cell."""
    prefix = f"{f.sheet}!" if f.sheet else ""
    if f.cell:
        return prefix + f.cell
    if f.row is not None:
        row = f"row {f.row}" if lang == "en" else f"第 {f.row} 行"
        return f"{f.sheet} {row}" if f.sheet else row
    return f.sheet or ""


def _groups(findings: list[Finding]) -> list[list[Finding]]:
    """Fold repeats of one rule/field/value into a group shown where it first occurs; others keep their order."""
    buckets: dict[tuple[Any, ...], list[Finding]] = defaultdict(list)
    for f in findings:
        buckets[(f.severity, f.rule, f.field, f.value, f.project)].append(f)
    out: list[list[Finding]] = []
    shown: set[tuple[Any, ...]] = set()
    for f in findings:
        key = (f.severity, f.rule, f.field, f.value, f.project)
        items = buckets[key]
        if len(items) < GROUP_AT:
            out.append([f])
        elif key not in shown:
            shown.add(key)
            out.append(items)
    return out


def _folded(groups: list[list[Finding]]) -> list[tuple[list[Finding], int]]:
    """The lines of one file's table: a rule with more than FOLD_AT lines keeps its first
    ROWS_SHOWN_IN_GROUP, followed by a line (an empty group) saying how many findings were left out."""
    per_rule: dict[tuple[Any, str], list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        per_rule[(g[0].severity, g[0].rule)].append(i)
    out: list[tuple[list[Finding], int]] = []
    for i, g in enumerate(groups):
        lines = per_rule[(g[0].severity, g[0].rule)]
        if len(lines) <= FOLD_AT:
            out.append((g, 0))
            continue
        k = lines.index(i)
        if k < ROWS_SHOWN_IN_GROUP:
            out.append((g, 0))
        if k == ROWS_SHOWN_IN_GROUP - 1:
            rest = sum(len(groups[j]) for j in lines[ROWS_SHOWN_IN_GROUP:])
            out.append(([g[0]], rest))
    return out


def _fold_note(rest: int, lang: str, output: Any) -> str:
    if lang == "en":
        if output is not None:
            return f"{rest:,} more, see the --output report {output}"
        return f"{rest:,} more not shown; add --output findings.xlsx to see them all"
    if output is not None:
        return f"另有 {rest:,} 处，见 --output 报告 {output}"
    return f"另有 {rest:,} 处未列出；加 --output 问题清单.xlsx 可看到全部"


def rule_counts(report: Report) -> list[tuple[str, Severity, int]]:
    """(rule, severity, findings) over the whole report, most severe and most frequent first."""
    counts: dict[tuple[str, Severity], int] = defaultdict(int)
    for fr in report.files:
        for f in fr.findings:
            counts[(f.rule, f.severity)] += 1
    return sorted(((r, s, n) for (r, s), n in counts.items()), key=lambda t: (-int(t[1]), -t[2], t[0]))


def _is_path_column(header: str, rows: list[list[Any]], k: int) -> bool:
    if header.lower() in PATH_HEADERS:
        return True
    values = [r[k] for r in rows if isinstance(r[k], str) and r[k]]
    return bool(values) and all(v.lower().endswith(PATH_SUFFIXES) or "/" in v or "\\" in v for v in values)


def summary_grid(spec: Any, lang: str, total: int) -> Any:
    """A summary table as a :class:`~zjcredit.report.fit.Grid`: numbers right-aligned with thousands
    separators, file names shortened when the table would not fit (their shared folder said below it)."""
    from zjcredit.report.fit import Column, Grid, common_folder, widths

    en = lang == "en"
    headers = spec.columns_en if en else spec.columns
    columns: list[Any] = []
    for k, head in enumerate(headers):
        numbers = bool(spec.rows) and all(isinstance(row[k], (int, float)) and not isinstance(row[k], bool) for row in spec.rows)
        columns.append(Column(head, justify="right" if numbers else "left", path=_is_path_column(head, spec.rows, k)))
    rows = [[_cell(v) for v in row] for row in spec.rows]
    grid = Grid(columns, rows, title=spec.title_en if en else spec.title)
    natural = sum(widths(Grid(columns, rows), 10**6)) + 3 * (len(columns) - 1)
    if natural > total:
        for k, col in enumerate(columns):
            if not col.path:
                continue
            paths = [r[k] for r in rows if "/" in r[k] or "\\" in r[k]]
            folder = common_folder(paths)
            if folder:
                for r in rows:
                    r[k] = r[k].removeprefix(folder)
                grid.note = f"{col.header}: all under {folder}" if en else f"{col.header}均在 {folder} 下"
    return grid


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{int(v):,}" if v.is_integer() else f"{v:,}"
    return "" if v is None else str(v)


def counts_grid(counts: list[tuple[str, Severity, int]], lang: str) -> Any:
    """问题汇总: one line per rule (id, title, level, how many)."""
    from zjcredit.report.findings_sheet import rule_title
    from zjcredit.report.fit import Column, Grid

    en = lang == "en"
    heads = ("rule", "title", "level", "count") if en else ("规则", "名称", "级别", "处数")
    columns = [Column(heads[0]), Column(heads[1], flex=True), Column(heads[2]), Column(heads[3], justify="right")]
    rows = [[r, rule_title(r, lang), (_sev(s, lang), SEVERITY_STYLE[s]), f"{n:,}"] for r, s, n in counts]
    return Grid(columns, rows, title="Findings by rule" if en else "问题汇总")


def findings_grid(findings: list[Finding], lang: str, *, fold: bool = True, output: Any = None) -> Any:
    """One file's findings, most severe first; repeats of one value grouped, a rule's many lines folded."""
    from zjcredit.report.fit import Column, Grid

    en = lang == "en"
    heads = ("level", "where", "field", "value", "message") if en else ("级别", "位置", "字段", "读到的值", "说明")
    columns = [Column(heads[0], keep=True), Column(heads[1], max_width=28, keep=True), Column(heads[2], max_width=16, keep=True), Column(heads[3], max_width=24), Column(heads[4], flex=True)]
    lines = _folded(_groups(findings)) if fold else [(g, 0) for g in _groups(findings)]
    rows: list[list[Any]] = []
    for group, rest in lines:
        f = group[0]
        if rest:
            rows.append(["", "", "", "", (_fold_note(rest, lang, output), "italic")])
            continue
        where = _where(f, lang)
        if len(group) > 1:
            found = [g.row for g in group if g.row is not None]
            shown = ", ".join(str(r) for r in found[:ROWS_SHOWN_IN_GROUP])
            more = "…" if len(found) > ROWS_SHOWN_IN_GROUP else ""
            where = (f"{len(group):,} rows: {shown}{more}" if en else f"{len(group):,} 处，行 {shown}{more}") if found else f"×{len(group):,}"
        project = (f"project {f.project} " if en else f"项目{f.project} ") if f.project else ""
        rows.append([(_sev(f.severity, lang), SEVERITY_STYLE[f.severity]), where, project + (f.field or ""), visible(f.value), f.message(lang)])
    return Grid(columns, rows)


def render_table(report: Report, lang: str, console: Any, quiet: bool = False, *, fold: bool = True, output: Any = None, width: int | None = None) -> None:
    """The report as a person reads it: the command's summary tables, 问题汇总 (findings by rule), then
    each file's findings and its summary line, then the total. ``fold`` keeps a rule's many lines to
    its first few (the terminal); a report file (``fold=False``) lists them all."""
    from rich.text import Text

    from zjcredit.report.fit import draw, terminal_width, wrap

    total = width or terminal_width(console)
    for spec in report.tables:
        draw(console, summary_grid(spec, lang, total), total)
    counts = rule_counts(report)
    if counts:
        draw(console, counts_grid(counts, lang), total)
    for fr in report.files:
        findings = sorted(fr.findings, key=lambda f: (-int(f.severity), *sort_key(f)))
        head = Text("\n".join(wrap(fr.path, total)), style="bold")
        if fr.kind:
            head.append(f"  [{fr.kind}]", style="dim")
        console.print(head)
        if findings and not quiet:
            draw(console, findings_grid(findings, lang, fold=fold, output=output), total)
        console.print(_file_summary(fr, lang), style="dim" if not fr.findings else None)
    console.print(_total_summary(report, lang), style="bold")


def _file_summary(fr: Any, lang: str) -> str:
    if lang == "en":
        return f"  {fr.records:,} records · {fr.errors:,} errors · {fr.warnings:,} warnings · {fr.infos:,} infos"
    return f"  记录 {fr.records:,} 条 · 错误 {fr.errors:,} · 警告 {fr.warnings:,} · 提示 {fr.infos:,}"


def _total_summary(report: Report, lang: str) -> str:
    e, w, i = report.count(Severity.ERROR), report.count(Severity.WARNING), report.count(Severity.INFO)
    n = len(report.inputs)  # as the JSON counts them: the files written are not inputs
    if lang == "en":
        return f"{n:,} file(s): {e:,} errors, {w:,} warnings, {i:,} infos"
    return f"共 {n:,} 个文件：错误 {e:,}，警告 {w:,}，提示 {i:,}"


# The yearly figures (`zjcredit stats`) ------------------------------------------------------------

FIGURE_COUNTS = ("outcomes", "learners", "hours", "dual_outcomes", "excluded_rows")
FIGURE_GROUPS = {
    "by_county": (("county_code", "county"), "按县（市、区）", "by county"),
    "by_institution": (("org_code", "name"), "按机构", "by institution"),
    "by_category": (("category",), "按项目类别", "by category"),
    "by_target": (("target",), "按培训对象", "by target group"),
}
FIGURE_HEADS = {
    "zh": ("成果数", "学员数", "学时", "双证制", "未计入"),
    "en": ("outcomes", "learners", "hours", "双证制", "excluded"),
}
FIGURE_NOTE = {
    "zh": "成果数：没有错误、不是双证制的记录；学员数：其中不同的身份证号；学时：其学时数之和；双证制：没有错误的双证制记录；未计入：有错误的记录。",
    "en": "outcomes: rows with no error and not 双证制; learners: distinct IDs among them; hours: their 学时数 summed; 双证制: 双证制 rows with no error; excluded: rows with an error.",
}


def figures_json(figures: dict[str, Any]) -> str:
    return json.dumps({"zjcredit": __version__, "command": "stats", "figures": figures}, ensure_ascii=False, indent=2) + "\n"


def figures_csv(figures: dict[str, Any], lang: str) -> str:
    """One line per group: dimension, key, label, then the five counts (printed, so without a BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["dimension", "key", "label", *FIGURE_COUNTS])
    for dim, rows in figures.items():
        keys = FIGURE_GROUPS[dim][0]
        for row in rows:
            key = row.get(keys[0])
            label = row.get(keys[-1]) if len(keys) > 1 else key
            writer.writerow([escape_formula(str(v)) if v is not None else "" for v in (dim, key, label, *(row[c] for c in FIGURE_COUNTS))])
    return buf.getvalue()


def render_figures(figures: dict[str, Any], lang: str, console: Any) -> None:
    """The figures as one table per dimension, with a total line, fitted to the terminal (labels wrap,
    numbers never break)."""
    from zjcredit.report.fit import Column, Grid, draw, terminal_width, wrap

    en = lang == "en"
    total_width = terminal_width(console)
    for dim, rows in figures.items():
        keys, zh, en_title = FIGURE_GROUPS[dim]
        title = en_title if en else zh
        columns = [Column(title.removeprefix("by ").removeprefix("按"), flex=True)]
        columns += [Column(head, justify="right") for head in FIGURE_HEADS["en" if en else "zh"]]
        lines: list[list[Any]] = []
        for row in rows:
            label = " ".join(str(row[k]) for k in reversed(keys) if row.get(k)) or ("(unknown)" if en else "（未知）")
            lines.append([label, *(_figure(row[c]) for c in FIGURE_COUNTS)])
        if len(rows) > 1:
            # Learners are distinct per group: their sum over groups would count a learner twice.
            lines.append([("total" if en else "合计", "bold"), *(("", None) if c == "learners" else (_figure(sum(r[c] for r in rows)), "bold") for c in FIGURE_COUNTS)])
        draw(console, Grid(columns, lines, title=title), total_width)
    console.print("\n".join(wrap(FIGURE_NOTE["en" if en else "zh"], total_width)), soft_wrap=True)


def _figure(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)