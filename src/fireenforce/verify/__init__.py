"""Verification tools for legal staff: static findings, property runs, version diffs."""

from fireenforce.verify.static import static_findings

__all__ = ["static_findings"]
