"""pytest plugin: collects ``cases/*.yaml`` inside a ruleset version directory (one test per case).

``pytest rulesets/`` runs every suite; each case is decided with the version of the family in
force on its decision date. A failing case shows the readable diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from fireenforce.ruleset.load import MANIFEST
from fireenforce.testing.casefiles import ExampleCase, format_mismatches, load_case_file, resolver, run_case


def is_case_file(path: Path) -> bool:
    """A *.yaml file in the ``cases/`` folder of a ruleset version (no other YAML is collected)."""
    return path.suffix == ".yaml" and path.parent.name == "cases" and (path.parent.parent / MANIFEST).is_file()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return CaseFile.from_parent(parent, path=file_path) if is_case_file(file_path) else None


class CaseFailed(Exception):
    pass


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        for example in load_case_file(self.path):
            yield CaseItem.from_parent(self, name=example.spec.name, example=example)


class CaseItem(pytest.Item):
    def __init__(self, *, example: ExampleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.example = example

    def runtest(self) -> None:
        family = self.path.parent.parent.parent
        mismatches = run_case(self.example, resolver(family))
        if mismatches:
            raise CaseFailed(format_mismatches(self.example, mismatches))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.example.line or 1) - 1, self.example.spec.name
