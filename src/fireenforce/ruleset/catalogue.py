"""The catalogue as data for integrators: one entry per enforcement item, with its subjects,
delegated levels and legal basis. One shape for ``fireenforce catalogue --format json`` and
``GET /v1/catalogue``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from fireenforce.model.enums import OfficeLevel, PenaltyKind, SubjectKind
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.schema import FineSpec

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class PenaltyBranchEntry(BaseModel):
    """One penalty branch: the case conditions it applies under, its provisions and sanction."""

    model_config = _FROZEN
    branch: str
    when: dict[str, str | bool]
    cite: list[str]
    kinds: list[PenaltyKind]
    fine: FineSpec | None
    precondition: str | None


class ItemLegalBasis(BaseModel):
    model_config = _FROZEN
    violated: list[str]
    penalty: list[PenaltyBranchEntry]
    basis: list[str] = []  # the authority's basis (依据), never a duty of the subject


class CatalogueEntry(BaseModel):
    """One enforcement item of a ruleset version."""

    model_config = _FROZEN
    ruleset: str
    catalogue_source: str
    code: str
    name: str
    subjects: list[SubjectKind]
    high_rise_only: bool
    delegated_to: list[OfficeLevel]
    legal_basis: ItemLegalBasis
    doubts: list[str]


def catalogue_entries(rs: Ruleset) -> list[CatalogueEntry]:
    """Every item of ``rs``, in catalogue order."""
    out = []
    for item in rs.items.values():
        spec = item.spec
        out.append(CatalogueEntry(
            ruleset=f"{rs.id} {rs.version}",
            catalogue_source=rs.manifest.catalogue.source,
            code=item.code,
            name=item.name,
            subjects=list(item.subjects),
            high_rise_only=item.high_rise_only,
            delegated_to=sorted(item.delegated_to),
            legal_basis=ItemLegalBasis(
                violated=list(dict.fromkeys(c.cite for c in spec.violated)),  # each once: cites repeat per condition
                basis=list(dict.fromkeys(c.cite for c in spec.basis)),
                penalty=[
                    PenaltyBranchEntry(branch=b.id, when=b.when.model_dump(exclude_none=True), cite=b.cite,
                                       kinds=b.kinds, fine=b.fine, precondition=b.precondition)
                    for b in spec.penalties
                ],
            ),
            doubts=[d.code for _, d in item.doubts],
        ))
    return out
