"""PDF documents: the print HTML laid out by WeasyPrint, fonts embedded (optional extra ``pdf``)."""

from __future__ import annotations

from fireenforce.errors import DocumentError

INSTALL = ("--format pdf needs WeasyPrint and its system libraries: pip install 'fireenforce[pdf]' "
           "and a CJK font (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
           "libharfbuzz-subset0 fonts-noto-cjk)")


def pdf_of(html: str) -> bytes:
    """The PDF of a print-ready HTML document. Nothing is fetched: the HTML is self-contained."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError):  # OSError: the package is there, pango is not
        raise DocumentError(INSTALL) from None
    return bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf())
