"""The document environments: sandboxed, strict, autoescaped for HTML; and the template check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from fireenforce.documents import check_templates
from fireenforce.documents.environment import environment, templates_dir

MALICIOUS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ '{0.__class__.__base__.__subclasses__}'.format('') }}",
    "{{ namespace.__init__.__globals__['__builtins__'] }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
]


@pytest.mark.parametrize("fmt", ["html", "text", "docx"])
def test_environment_is_sandboxed_and_strict(fmt: str) -> None:
    env = environment(fmt)
    assert isinstance(env, SandboxedEnvironment)
    with pytest.raises(UndefinedError):
        env.from_string("{{ nothing_here }}").render()


@pytest.mark.parametrize("source", MALICIOUS)
def test_sandbox_blocks_attribute_tricks(source: str) -> None:
    with pytest.raises(SecurityError):
        environment("html").from_string(source).render()


def test_html_and_docx_markup_autoescape_and_text_does_not() -> None:
    data = {"x": "<b>&</b>"}
    assert environment("html").from_string("{{ x }}").render(data) == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert environment("docx").from_string("{{ x }}").render(data) == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert environment("text").from_string("{{ x }}").render(data) == "<b>&</b>"


def test_bundled_templates_check_clean() -> None:
    assert check_templates(Path(templates_dir()).parent / "rulesets" / "xifeng" / "2024.09") == []


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    shutil.copytree(templates_dir(), root)
    return root


def test_check_reports_syntax_errors_with_line(templates: Path) -> None:
    path = templates / "penalty_notice.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    findings = check_templates(root=templates)
    assert [(f.code, f.file) for f in findings] == [("DOC-SYNTAX", str(path))]
    assert findings[0].line == len(path.read_text(encoding="utf-8").splitlines())


def test_check_reports_variables_the_context_lacks(templates: Path) -> None:
    path = templates / "html" / "macros.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{{ officer_name }}\n", encoding="utf-8")
    findings = check_templates(root=templates)
    assert [(f.code, f.field) for f in findings] == [("DOC-UNDEFINED", "officer_name")]
    assert "officer_name" in findings[0].format() and findings[0].line is not None


def test_check_reports_missing_types_and_bad_offices(templates: Path, tmp_path: Path) -> None:
    (templates / "referral_letter.j2").unlink()
    (tmp_path / "offices.yaml").write_text("levels:\n  street: {bank_acount: x}\n", encoding="utf-8")
    codes = [f.code for f in check_templates(tmp_path, root=templates)]
    assert codes == ["DOC-MISSING", "DOC-OFFICES"]
