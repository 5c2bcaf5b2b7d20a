"""The fuzzer's quick run: 200 seeded cases of mutated real workbooks through the commands, in a worker
under a 2 GiB address-space limit (``benchmarks/fuzz.py``; the long run there tries tens of thousands).

Allowed: exit 0/1/2 with a sentence, the inputs unchanged, no temporary file or folder left behind."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _fuzz_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "benchmarks" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz"] = module
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz_module()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return fuzz.build_seeds(tmp_path_factory.mktemp("fuzz") / "seeds")


def test_mutations_are_reproducible(seeds: dict[str, list[Path]], tmp_path: Path) -> None:
    first = [fuzz.make_case(3, i, seeds, tmp_path / "a", every_command=True)[2][0].read_bytes() for i in range(5)]
    again = [fuzz.make_case(3, i, seeds, tmp_path / "a", every_command=True)[2][0].read_bytes() for i in range(5)]
    assert first == again


def test_every_mutation_changes_its_kind_of_file(seeds: dict[str, list[Path]]) -> None:
    rng = random.Random(1)
    by_suffix = {p.suffix: p for ps in seeds.values() for p in ps}
    for name, mutation in fuzz.MUTATIONS.items():
        for suffix in (".xlsx", ".xls", ".csv"):
            data = by_suffix[suffix].read_bytes()
            assert any(mutation(rng, data, suffix) != data for _ in range(5)), (name, suffix)


def test_quick_fuzz(tmp_path_factory: pytest.TempPathFactory, seeds: dict[str, list[Path]]) -> None:
    work = tmp_path_factory.mktemp("fuzz-run")
    (work / "seeds").symlink_to(next(iter(seeds.values()))[0].parent)
    tally = fuzz.fuzz(7, 200, work, every_command=False, process_share=0.02, timeout=30)
    assert tally.cases == 200
    assert tally.failures == [], json.dumps(tally.failures[:5], ensure_ascii=False, indent=1)
