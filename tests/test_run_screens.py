"""The screens' queries run ahead on a thread of their own (``run_screens(..., ahead=True)``, as the audit
runs them): answers in order, errors where they belong, nothing left running after an error or Ctrl-C."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from zjcredit.screens import _answers


class Con:
    """A stand-in for the DuckDB connection the queries run on: interrupt() ends the running one."""

    def __init__(self) -> None:
        self.interrupted = threading.Event()

    def interrupt(self) -> None:
        self.interrupted.set()


def jobs(n: int) -> list[tuple[Any, dict[str, Any]]]:
    return [(k, {}) for k in range(n)]


def no_worker_left() -> bool:
    return not [t for t in threading.enumerate() if t.name.startswith("zjcredit-screens")]


def test_answers_come_in_order_computed_ahead() -> None:
    asked: list[int] = []
    started = threading.Event()

    def answer(k: int, values: dict[str, Any]) -> Any:
        asked.append(k)
        if k == 1:
            started.set()
        return [f"c{k}"], [(k,)]

    with _answers(answer, jobs(4), Con()) as answers:
        it = iter(answers)
        assert next(it) == (["c0"], [(0,)])
        assert started.wait(5)  # the next query runs while the caller is busy with the first answer
        assert list(it) == [(["c1"], [(1,)]), (["c2"], [(2,)]), (["c3"], [(3,)])]
    assert asked == [0, 1, 2, 3] and no_worker_left()


def test_without_a_connection_each_answer_is_computed_as_asked() -> None:
    asked: list[int] = []

    def answer(k: int, values: dict[str, Any]) -> Any:
        asked.append(k)
        return [], []

    with _answers(answer, jobs(3), None) as answers:
        it = iter(answers)
        next(it)
        assert asked == [0]
        list(it)
    assert asked == [0, 1, 2]


def test_a_failing_query_is_raised_to_the_caller_and_the_rest_not_run() -> None:
    asked: list[int] = []

    def answer(k: int, values: dict[str, Any]) -> Any:
        asked.append(k)
        if k == 1:
            raise OSError(28, "No space left on device")
        return [], []

    with pytest.raises(OSError, match="No space"), _answers(answer, jobs(5), Con()) as answers:
        for _ in answers:
            pass
    assert 0 in asked and 1 in asked and len(asked) <= 3 and no_worker_left()


def test_an_error_of_the_caller_interrupts_the_running_query_and_waits_for_it() -> None:
    con = Con()
    running = threading.Event()

    def answer(k: int, values: dict[str, Any]) -> Any:
        if k == 1:
            running.set()
            if not con.interrupted.wait(10):  # a long query, until interrupted
                raise AssertionError("never interrupted")
            raise RuntimeError("INTERRUPT Error: Interrupted!")
        if k > 1:
            raise AssertionError("a cancelled query ran")
        return [], []

    with pytest.raises(KeyboardInterrupt), _answers(answer, jobs(4), con) as answers:
        for _ in answers:
            assert running.wait(5)
            raise KeyboardInterrupt
    assert con.interrupted.is_set() and no_worker_left()
