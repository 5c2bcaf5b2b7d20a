"""The catalogs as outcome checks look them up: projects and courses by their code as compared (no
spaces, upper-case), and the ``projects`` relation the screens join."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
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

    @cached_property
    def project_codes(self) -> Any:
        import pyarrow as pa

        return pa.array(list(self.projects), type=pa.string())

    def owner_of_course(self, course: str | None) -> str | None:
        """The project code (as written in the catalog) a course belongs to."""
        found = self.courses.get(course) if course else None
        return found.project_code if found is not None else None

    def org_of_project(self, project: str | None) -> str | None:
        found = self.projects.get(project) if project else None
        return code_key(found.org_code) if found is not None and found.org_code else None

    def hours_of_course(self, course: str | None) -> float:
        found = self.courses.get(course) if course else None
        return float(found.hours) if found is not None and found.hours else float("nan")

    def period_start(self, project: str | None) -> Any:
        import numpy as np

        start = _start(self.projects[project].period) if project in self.projects else None
        return np.datetime64(start) if start is not None else np.datetime64("NaT")

    def org_names(self) -> dict[str | None, str | None]:
        """机构代码 (as compared) → 申报单位, from the first project of each institution."""
        names: dict[str | None, str | None] = {}
        for p in self.projects.values():
            if p.org_code:
                names.setdefault(code_key(p.org_code), p.org_name)
        return names

    def relation(self) -> Any:
        """The screens' ``projects`` relation (see :mod:`zjcredit.screens`)."""
        import pyarrow as pa

        rows = list(self.projects.items())
        return pa.table(
            {
                "code": pa.array([c for c, _ in rows], type=pa.string()),
                "org_code": pa.array([code_key(p.org_code) for _, p in rows], type=pa.string()),
                "org_name": pa.array([p.org_name for _, p in rows], type=pa.string()),
                "scale": pa.array([p.scale or 0 for _, p in rows], type=pa.int64()),
                "period": pa.array([_canonical(p.period) for _, p in rows], type=pa.string()),
                "category": pa.array([p.category for _, p in rows], type=pa.string()),
                "targets": pa.array([list(p.targets) for _, p in rows], type=pa.list_(pa.string())),
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
