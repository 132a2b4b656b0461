"""DOCX and PDF: page and fonts, case text as data, the same number in every format, the Word
template checked and sandboxed, the CLI writing binary files. (What each document must say is
tested for every format in test_documents.py.)"""

from __future__ import annotations

import importlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import PydanticSerializationError
from docx import Document
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fireenforce.cli import main
from fireenforce.documents import check_templates, render
from fireenforce.documents.environment import templates_dir
from fireenforce.errors import DocumentError
from readback import FORMATS, docx_text, flat, pdf_text, text_of
from test_documents import make_case, make_decision

HOSTILE = ["{{ 7*7 }}", "{%p if %}", "{%tr endfor %}", "<w:t>", "</w:t></w:r></w:p><w:p><w:r><w:t>x", "&amp; &",
           "{_{ a }_} {_% b %_}", "]]><!--", "\"引号\" '单引号'", "甲  乙\t丙"]
TEMPLATE = "template.docx"


def penalty(fmt: str, case: Any = None, **kw: Any) -> Any:
    case = case or make_case()
    decision = make_decision()
    try:
        decision = decision.model_copy(update={"case_digest": case.digest})
    except PydanticSerializationError:  # a lone surrogate, which no validated input holds: render refuses it first
        pass
    return render(case, decision, "penalty_decision", fine=12000, format=fmt, **kw)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_case_text_arrives_verbatim_in_docx_and_pdf(hostile: str) -> None:
    case = make_case(narrative=f"楼道{hostile}堵塞")
    case = case.model_copy(update={"subject": case.subject.model_copy(update={"name": f"某{hostile}店"})})
    docx = docx_text(penalty("docx", case))
    assert f"当事人：某{hostile}店" in docx and f"现场情况：楼道{hostile}堵塞" in docx
    assert "49" not in docx
    pdf = flat(pdf_text(penalty("pdf", case)))
    assert flat(f"当事人：某{hostile}店") in pdf


@settings(max_examples=25, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp")) | st.sampled_from("{}%<>&\"' \t"),
               min_size=1, max_size=30))
def test_any_printable_name_is_written_exactly_in_docx(name: str) -> None:
    case = make_case()
    case = case.model_copy(update={"subject": case.subject.model_copy(update={"name": name})})
    assert f"当事人：{name}\n" in docx_text(penalty("docx", case)) + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("field", "value"), [("name", "某\x07超市"), ("address", "北大街\x0c1号"),
                                               ("name", "某\x00店"), ("name", "某\ud800店")])
def test_control_characters_are_refused_naming_the_field(fmt: str, field: str, value: str) -> None:
    case = make_case()
    case = case.model_copy(update={"subject": case.subject.model_copy(update={field: value})})
    with pytest.raises(DocumentError, match=rf"^subject\.{field}: control character U\+[0-9A-F]{{4}} cannot be printed"):
        penalty(fmt, case)


def test_docx_is_a4_with_gbt9704_margins_and_chinese_fonts() -> None:
    doc = Document(io.BytesIO(penalty("docx")))
    section = doc.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    assert [round(size.mm) for size in sizes] == [210, 297, 37, 35, 28, 26]
    fonts = {p.style.name: p.style.element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs}
    assert fonts["文书标题"] == "SimSun" and fonts["文书正文"] == "SimSun" and fonts["文书小标题"] == "SimHei"
    assert "Normal" not in fonts  # every paragraph has the style of its kind
    for kept in ("文书小标题", "文书签名栏", "文书回执标题"):  # with what follows: signatures with the seal
        assert doc.styles[kept].paragraph_format.keep_with_next, kept
    assert doc.styles["文书落款"].paragraph_format.keep_together
    lang = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    font_table = next(p for p in doc.part.package.parts if str(p.partname) == "/word/fontTable.xml").blob.decode()
    assert '<w:altName w:val="宋体"/>' in font_table and '<w:charset w:val="86"/>' in font_table
    assert doc.core_properties.title == "行政处罚决定书 西消北街委罚决字〔2026〕第____号"


def test_pdf_is_a4_with_every_font_embedded() -> None:
    data = penalty("pdf")
    assert data.startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert "Title:           行政处罚决定书 西消北街委罚决字〔2026〕第____号" in info
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # emb column
    assert any("CJK" in row for row in rows), fonts


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fine", [4999, 50001])
def test_out_of_range_fines_are_refused_in_every_format(fmt: str, fine: int) -> None:
    with pytest.raises(DocumentError, match=f"{fine} yuan is outside the legal range 5000–50000 yuan"):
        render(make_case(), make_decision(), "penalty_decision", fine=fine, format=fmt)


@pytest.mark.parametrize(("serial", "number"), [(12, "西消北街委罚决字〔2026〕第12号"), (None, "西消北街委罚决字〔2026〕第____号")])
def test_the_document_number_is_the_same_in_every_format(serial: int | None, number: str) -> None:
    for fmt in FORMATS:
        assert number in text_of(penalty(fmt, serial=serial), fmt), fmt


def test_pdf_without_weasyprint_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(DocumentError, match=r"pip install 'fireenforce\[pdf\]'"):
        penalty("pdf")


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled templates, used for DOCX rendering."""
    root = tmp_path / "documents"
    shutil.copytree(templates_dir(), root)
    module = importlib.import_module("fireenforce.documents.render")  # the package exports the function
    monkeypatch.setattr(module, "templates_dir", lambda: root)
    return root


def edit_template(root: Path, drop: str = "", add: str = "") -> Path:
    """Drop the paragraphs of the Word template containing ``drop`` (and the one after), add one."""
    path = root / "docx" / TEMPLATE
    doc = Document(str(path))
    paragraphs = doc.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if drop and drop in paragraph.text:
            for gone in paragraphs[index:index + 2]:
                gone._element.getparent().remove(gone._element)
            break
    if add:
        doc.add_paragraph(add)
    doc.save(str(path))
    return path


def test_a_template_that_lost_a_kind_of_paragraph_is_refused(templates: Path) -> None:
    path = edit_template(templates, drop='b.kind == "quote"')
    with pytest.raises(DocumentError, match=f"{re.escape(str(path))}: the template does not print blocks of kind 'quote'"):
        penalty("docx")


@pytest.mark.parametrize(("source", "message"), [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
    ("{{ officer_name }}", "'officer_name' is undefined"),
])
def test_the_word_template_renders_sandboxed_and_strict(templates: Path, source: str, message: str) -> None:
    edit_template(templates, add=source)
    with pytest.raises(DocumentError, match=message):
        penalty("docx")


def test_the_word_template_can_use_the_document_context(templates: Path) -> None:
    edit_template(templates, add="签发：{{ office.issuer }}")
    assert "签发：庆阳市西峰区消防救援大队" in docx_text(penalty("docx"))


def test_check_reports_the_word_templates_unknown_variables_and_syntax(templates: Path) -> None:
    path = edit_template(templates, add="{{ officer_name }}")
    findings = check_templates(root=templates)
    assert [(f.code, f.field, f.file) for f in findings] == [("DOC-UNDEFINED", "officer_name", str(path))]
    edit_template(templates, add="{% if %}")
    assert [f.code for f in check_templates(root=templates)] == ["DOC-SYNTAX"]
    path.unlink()
    assert [f.code for f in check_templates(root=templates)] == ["DOC-MISSING"]


@pytest.mark.parametrize(("fmt", "magic"), [("docx", b"PK\x03\x04"), ("pdf", b"%PDF-")])
def test_cli_writes_binary_documents_to_a_file_or_a_pipe(tmp_path: Path, fmt: str, magic: bytes,
                                                        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    case = Path(__file__).resolve().parents[1] / "examples" / "ebike-highrise.json"
    out = tmp_path / f"decision.{fmt}"
    args = ["render", str(case), "--document", "penalty_decision", "--fine", "300", "--format", fmt, "--serial", "3"]
    assert main([*args, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert "罚决字〔2026〕第3号" in text_of(out.read_bytes(), fmt)
    assert main(args) == 0  # stdout is captured: not a terminal
    assert capsysbinary.readouterr().out.startswith(magic)


def test_cli_refuses_binary_output_to_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    case = Path(__file__).resolve().parents[1] / "examples" / "ebike-highrise.json"
    code = main(["render", str(case), "--document", "penalty_decision", "--fine", "300", "--format", "docx"])
    err = capsys.readouterr().err
    assert code == 2 and "--out FILE: --format docx is binary" in err and err.count("\n") == 1


def _pdf_pages(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return text.decode().split("\f")[:-1]


def test_pdf_pages_are_numbered_and_the_summary_decision_is_tight() -> None:
    """Each PDF page says 第 N 页 共 M 页 (like the DOCX); the on-the-spot decision fits three
    pages, its receipt not alone on a fourth; no page but the last is mostly blank."""
    case = make_case("individual")
    decision = make_decision(kind="individual", case=case)
    for data in (penalty("pdf"), render(case, decision, "summary_penalty_decision", fine=100, format="pdf")):
        pages = _pdf_pages(data)
        for number, page in enumerate(pages, 1):
            assert re.search(rf"第\s*{number}\s*页\s*共\s*{len(pages)}\s*页", page), (number, page[-200:])
        for page in pages[:-1]:
            assert len([line for line in page.splitlines() if line.strip()]) >= 20, page
    summary = _pdf_pages(render(case, decision, "summary_penalty_decision", fine=100, format="pdf"))
    assert len(summary) <= 3 and "执法人员" in summary[-1]
