"""The catalogs as outcome checks look them up: projects and courses by their codes as compared (no
spaces, upper-case), as the ``projects`` and ``courses`` relations the queries of :mod:`zjcredit.screens`
join."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zjcredit.documents.catalog.model import Catalog, CatalogCourse, CatalogProject
from zjcredit.domain import periods
from zjcredit.domain.normalize import code_key


class CatalogIndex:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.projects: dict[str, CatalogProject] = {}
        self.courses: dict[str, CatalogCourse] = {}
        for code, project in catalog.projects.items():
            self.projects.setdefault(code_key(code) or code, project)
        for code, course in catalog.courses.items():
            self.courses.setdefault(code_key(code) or code, course)

    def org_names(self) -> dict[str | None, str | None]:
        """机构代码 (as compared) → 申报单位, from the first project of each institution."""
        names: dict[str | None, str | None] = {}
        for p in self.projects.values():
            if p.org_code:
                names.setdefault(code_key(p.org_code), p.org_name)
        return names

    def relations(self) -> tuple[Any, Any]:
        """The ``projects`` and ``courses`` relations (see :mod:`zjcredit.screens`)."""
        return project_relation(list(self.projects.items())), course_relation(list(self.courses.items()))


def project_relation(rows: list[tuple[str, CatalogProject]]) -> Any:
    import pyarrow as pa

    return pa.table(
        {
            "code": pa.array([c for c, _ in rows], type=pa.string()),
            "code_text": pa.array([p.code for _, p in rows], type=pa.string()),
            "name": pa.array([p.name for _, p in rows], type=pa.string()),
            "hours": pa.array([float(p.hours) if p.hours else None for _, p in rows], type=pa.float64()),
            "city": pa.array([p.city for _, p in rows], type=pa.string()),
            "county": pa.array([p.county for _, p in rows], type=pa.string()),
            "county_code": pa.array([c[:6] for c, _ in rows], type=pa.string()),
            "org_code": pa.array([code_key(p.org_code) for _, p in rows], type=pa.string()),
            "org_name": pa.array([p.org_name for _, p in rows], type=pa.string()),
            "scale": pa.array([p.scale or 0 for _, p in rows], type=pa.int64()),
            "period": pa.array([_canonical(p.period) for _, p in rows], type=pa.string()),
            "period_text": pa.array([p.period for _, p in rows], type=pa.string()),
            "period_start": pa.array([_start(p.period) for _, p in rows], type=pa.date32()),
            "category": pa.array([p.category for _, p in rows], type=pa.string()),
            "targets": pa.array([list(p.targets) for _, p in rows], type=pa.list_(pa.string())),
        }
    )


def course_relation(rows: list[tuple[str, CatalogCourse]]) -> Any:
    import pyarrow as pa

    return pa.table(
        {
            "key": pa.array([k for k, _ in rows], type=pa.string()),
            "code": pa.array([c.code for _, c in rows], type=pa.string()),
            "project_code": pa.array([c.project_code for _, c in rows], type=pa.string()),
            "project_key": pa.array([code_key(c.project_code) for _, c in rows], type=pa.string()),
            "hours": pa.array([float(c.hours) if c.hours else None for _, c in rows], type=pa.float64()),
        }
    )


def _canonical(period: str | None) -> str | None:
    try:
        return periods.parse_period(period) if period else None
    except Exception:  # noqa: BLE001 - a malformed period is no period
        return None


def _start(period: str | None) -> dt.date | None:
    canonical = _canonical(period)
    return periods.period_start(canonical) if canonical else None
