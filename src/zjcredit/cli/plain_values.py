"""Command-line values of the plain kinds taken without pydantic.

Typer 0.29 checks every option's value through a pydantic ``TypeAdapter``: importing pydantic and building
an adapter for each of ``audit``'s two dozen options took about 0.15 s of every run, longer than the
checks themselves. :func:`install` gives the options whose values are plain — text, a whole number or a
number written in digits within the option's range, a path, one of the choices, a flag's yes or no — the value Typer's own
adapter would give, by the same functions it calls (:func:`typer._param_types.coerce_cli_path`,
:func:`~typer._param_types.coerce_cli_choice`); anything else (a value out of range or not written
plainly, a clamp, a custom parser, a kind not listed) goes to Typer's adapter as before, with its
messages. ``tests/test_cli_plain_values.py`` holds the two to the same values and the same errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import typer._coercion as typer_coercion
import typer._param_types as typer_param_types
import typer.core as typer_core
from typer._typing import get_args, get_origin

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")

_installed: list[bool] = []


def install() -> None:
    """Route Typer's value checks through :class:`PlainParam` where it applies (once per process)."""
    if _installed:
        return
    _installed.append(True)
    original = typer_core._TyperParameter.get_runtime_param

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            plain = plain_param(self.type_descriptor)
            if plain is not None:
                self._runtime_param = plain
        return original(self)

    typer_core._TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


def plain_param(descriptor: Any) -> PlainParam | None:
    """A :class:`PlainParam` for the parameter, or None when Typer's own check is needed."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or getattr(info, "clamp", False):
        return None
    annotation = descriptor.annotation
    many = get_origin(annotation) is list
    if many:
        args = get_args(annotation)
        if len(args) != 1:
            return None
        annotation = args[0]
    choices = descriptor.choices
    if choices is not None:
        kind = "choice"
    elif annotation in (str, int, float, bool):
        kind = annotation.__name__
    elif isinstance(annotation, type) and issubclass(annotation, Path) and typer_param_types.routes_to_path(annotation, info):
        kind = "path"
    else:
        return None
    return PlainParam(info, descriptor.annotation, kind, annotation, many, tuple(choices) if choices is not None else ())


@dataclass(frozen=True)
class PlainParam(typer_coercion.RuntimeParam):
    """One parameter's check without pydantic; a value it does not take plainly goes to Typer's."""

    kind: str = ""
    item: Any = None
    many: bool = False
    choices: tuple[Any, ...] = ()

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.many:
            if not isinstance(value, (list, tuple)):
                return self._typer()._coerce_value(value, param=param, ctx=ctx)
            out = [self._one(v, param, ctx) for v in value]
            if any(v is _NOT_PLAIN for v in out):
                return self._typer()._coerce_value(value, param=param, ctx=ctx)
            return out
        one = self._one(value, param, ctx)
        return self._typer()._coerce_value(value, param=param, ctx=ctx) if one is _NOT_PLAIN else one

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        info = self.parameter_info
        if self.kind == "choice":
            if not isinstance(value, (str, Enum)):
                return _NOT_PLAIN
            try:
                return typer_param_types.coerce_cli_choice(value, choices=self.choices, case_sensitive=info.case_sensitive, ctx=ctx)
            except ValueError:
                return _NOT_PLAIN  # Typer's check says why, in its words
        if self.kind in ("str", "bool"):
            return value if type(value) is self.item else _NOT_PLAIN
        if self.kind == "path":
            if type(value) is not str or not value or "\x00" in value:
                return _NOT_PLAIN
            path_type = info.path_type if info.path_type is not None else self.item
            return typer_param_types.coerce_cli_path(Path(value), info, path_type=path_type, param=param, ctx=ctx)
        number = _number(value, self.kind)
        if number is _NOT_PLAIN or (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
            return _NOT_PLAIN
        return number

    def _typer(self) -> Any:
        """Typer's own check of this parameter (pydantic's adapter), made when first needed."""
        return typer_coercion.build_runtime_param(typer_coercion.resolve_type_descriptor(self.annotation, self.parameter_info))


class _NotPlain:
    pass


_NOT_PLAIN: Any = _NotPlain()


def _number(value: Any, kind: str) -> Any:
    """The number a value plainly is (what pydantic makes of it), else :data:`_NOT_PLAIN`."""
    if type(value) is int and kind == "int":
        return value
    if type(value) is float and kind == "float":
        return value
    if type(value) is not str:
        return _NOT_PLAIN
    if kind == "int" and _INT.fullmatch(value):
        return int(value)
    if kind == "float" and _FLOAT.fullmatch(value):
        return float(value)
    return _NOT_PLAIN
