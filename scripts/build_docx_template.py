"""Build documents/docx/template.docx: the Word layout shared by every legal document.

The wording of the documents is not here: it lives in documents/*.j2 (with the markup of
documents/docx/macros.j2), and arrives in the template as ``blocks``, one per paragraph, each
with a ``kind`` and a ``text``. This template gives each kind its paragraph style (A4 page,
GB/T 9704 margins, 宋体 body and title, 黑体 headings) and a page-number footer. Legal staff
may open the built file in Word or WPS and change styles, margins or the footer; run
``fireenforce check`` afterwards. Rebuild from scratch with:

    .venv/bin/python scripts/build_docx_template.py [OUT.docx]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

OUT = Path(__file__).resolve().parents[1] / "documents" / "docx" / "template.docx"
LATIN = "Times New Roman"
# East Asian fonts by their English names, which Word and WPS resolve to 宋体/黑体 and
# LibreOffice (fontconfig, language zh-CN) to a Chinese serif/sans such as Noto CJK SC. The
# font table adds the Chinese name, PANOSE and charset 86 (GB2312) for substitution.
CJK_FONTS = {"SimSun": ("宋体", "02010600030101010101"), "SimHei": ("黑体", "02010609060101010101")}
BODY = 16  # 三号
INDENT = Pt(2 * BODY)  # two characters


@dataclass(frozen=True)
class Kind:
    """The paragraph style of one kind of block."""

    style: str
    font: str = "SimSun"
    size: float = BODY
    line: float = 28
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    first_line: bool = False
    before: float = 0
    after: float = 0
    keep_with_next: bool = False


KINDS = {
    "notice": Kind("文书示例提示", size=12, line=20, after=12),
    "issuer": Kind("文书机关名称", size=18, line=32, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER),
    "title": Kind("文书标题", size=22, line=40, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER),
    "note": Kind("文书委托说明", size=12, line=22, align=WD_ALIGN_PARAGRAPH.CENTER),
    "number": Kind("文书编号", align=WD_ALIGN_PARAGRAPH.RIGHT, after=12),
    "heading": Kind("文书小标题", font="SimHei", before=6, keep_with_next=True),
    "para": Kind("文书正文", first_line=True),
    "field": Kind("文书栏目", align=WD_ALIGN_PARAGRAPH.LEFT),
    "quote": Kind("文书引用条文", first_line=True),
    "item": Kind("文书列举", first_line=True),
    "sign": Kind("文书签名栏", align=WD_ALIGN_PARAGRAPH.LEFT, before=6, keep_with_next=True),
    "seal": Kind("文书落款", align=WD_ALIGN_PARAGRAPH.RIGHT, before=24, after=12),
    "box": Kind("文书回执标题", font="SimHei", before=18, after=6, keep_with_next=True),
}


def build(out: Path = OUT) -> None:
    doc = Document()
    _page(doc)
    _defaults(doc)
    for kind in KINDS.values():
        _style(doc, kind)
    _body(doc)
    _footer(doc)
    _font_table(doc)
    _settings(doc)
    _slim(doc)
    props = doc.core_properties
    props.author = props.last_modified_by = "fireenforce"
    props.title, props.comments = "法律文书模板", "由 scripts/build_docx_template.py 生成；段落样式可在 Word/WPS 中修改。"
    doc.save(str(out))


def _page(doc: DocumentObject) -> None:
    """A4 with the margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm)."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)


def _fonts(rpr: OxmlElement, east_asian: str) -> None:
    """Latin and East Asian font names, and Chinese as the East Asian language."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _defaults(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY)
    _fonts(normal.element.get_or_add_rPr(), "SimSun")
    normal.paragraph_format.space_after = Pt(0)


def _style(doc: DocumentObject, kind: Kind) -> None:
    style = doc.styles.add_style(kind.style, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size, style.font.bold = Pt(kind.size), kind.bold
    _fonts(style.element.get_or_add_rPr(), kind.font)
    fmt = style.paragraph_format
    fmt.alignment = kind.align
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(kind.line)
    fmt.space_before, fmt.space_after = Pt(kind.before), Pt(kind.after)
    fmt.keep_with_next = kind.keep_with_next
    fmt.widow_control = True
    if kind.first_line:
        fmt.first_line_indent = INDENT
    if kind.style == KINDS["seal"].style:
        fmt.right_indent, fmt.keep_together = INDENT, True
    if kind.style == KINDS["notice"].style:
        style.font.color.rgb = RGBColor(0xC0, 0, 0)
        _border(style.element.get_or_add_pPr(), ("top", "left", "bottom", "right"), "single", "C00000")
    if kind.style == KINDS["box"].style:
        _border(style.element.get_or_add_pPr(), ("top",), "dashed", "000000")


def _border(ppr: OxmlElement, sides: tuple[str, ...], line: str, color: str) -> None:
    borders = OxmlElement("w:pBdr")
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", line), ("sz", "8"), ("space", "4"), ("color", color)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    ppr.append(borders)
    # pBdr must precede spacing/ind/jc in the schema: move it to the front of pPr
    ppr.remove(borders)
    ppr.insert(0, borders)


def _body(doc: DocumentObject) -> None:
    """One paragraph per kind, chosen by ``b.kind``; the tag paragraphs vanish when rendered."""
    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.text = "{%p for b in blocks %}"
    for index, (name, kind) in enumerate(KINDS.items()):
        doc.add_paragraph(f'{{%p {"if" if index == 0 else "elif"} b.kind == "{name}" %}}')
        _preserve(doc.add_paragraph("{{ b.text }}", style=kind.style))
        if name == "box":
            _rows_table(doc)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")


def _rows_table(doc: DocumentObject) -> None:
    """The lines of a box (the service receipt, the party's statement) as a ruled form, one
    row each, tall enough to sign in."""
    table = doc.add_table(rows=3, cols=1)
    table.style = doc.styles["Table Grid"]
    for row, text in zip(table.rows, ("{%tr for r in b.rows %}", "{{ r }}", "{%tr endfor %}")):
        cell = row.cells[0]
        cell.width = Mm(210 - 28 - 26)
        cell.paragraphs[0].text = text
        if text == "{{ r }}":
            cell.paragraphs[0].style = doc.styles[KINDS["field"].style]
            _preserve(cell.paragraphs[0])
            row.height_rule, row.height = WD_ROW_HEIGHT_RULE.AT_LEAST, Mm(14)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _preserve(paragraph: Paragraph) -> None:
    """Keep leading, trailing and repeated spaces of the inserted text."""
    for run in paragraph.runs:
        for text in run.element.findall(qn("w:t")):
            text.set(qn("xml:space"), "preserve")


def _footer(doc: DocumentObject) -> None:
    """第 N 页 共 M 页, centred."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES"), (" 页", None)):
        run = paragraph.add_run(text)
        run.font.size = Pt(12)
        if field:
            paragraph._p.append(parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr=" {field} "><w:r><w:rPr><w:sz w:val="24"/></w:rPr>'
                f"<w:t>1</w:t></w:r></w:fldSimple>"
            ))


def _slim(doc: DocumentObject) -> None:
    """Drop what python-docx's blank document carries and no document needs (a preview image,
    legacy styles, custom XML, web settings, the hundred unused styles): smaller, faster."""
    unused = ("/thumbnail", "/stylesWithEffects", "/customXml", "/webSettings")
    for rels in (doc.part.package.rels, doc.part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith(unused)]:
            rels.pop(rid)
    styles = doc.styles.element
    keep = {s.style_id for s in doc.styles if s.name in ("Normal", "Footer", "Table Grid")} | {
        doc.styles[kind.style].style_id for kind in KINDS.values()}
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in keep and style.get(qn("w:default")) != "1":
            styles.remove(style)


def _settings(doc: DocumentObject) -> None:
    """Lines ending in a manual line break are not stretched in justified paragraphs."""
    compat = doc.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        doc.settings.element.append(compat)
    compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))


def _font_table(doc: DocumentObject) -> None:
    """Declare the Chinese fonts (with alternative names) so substitutes are chosen well."""
    part = next(p for p in doc.part.package.parts if str(p.partname) == "/word/fontTable.xml")
    fonts = parse_xml(part.blob)
    for name, (alt, panose) in CJK_FONTS.items():
        fonts.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="modern"/>'
            f'<w:pitch w:val="fixed"/></w:font>'
        ))
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
