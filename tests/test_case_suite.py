"""The bundled example-case suites (rulesets/xifeng/*/cases), one test per case, each decided as
``fireenforce test`` decides it: by the version whose cases/ folder holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fireenforce.testing.casefiles import (
    ExampleCase, bundled_suites, case_files, format_mismatches, load_case_file, resolver, run_case, version_of,
)

CASES = [case for path in case_files(bundled_suites()) for case in load_case_file(path)]


def test_every_version_has_a_suite() -> None:
    assert [p.parent.name for p in bundled_suites()] == ["2021.07", "2022.03", "2024.09"]


@pytest.mark.parametrize("example", CASES, ids=lambda c: f"{c.file.split('rulesets/')[-1]}::{c.spec.name}")
def test_case(example: ExampleCase) -> None:
    mismatches = run_case(example, resolver(version_of(Path(example.file))))
    if mismatches:
        pytest.fail(format_mismatches(example, mismatches), pytrace=False)
