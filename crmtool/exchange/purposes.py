"""The purpose an import or export is for, as both directions ask about it."""
from __future__ import annotations

from ..i18n import _
from ..load.model import Model, Record
from ..domain.policy import list_of
from ..load.repo import UsageError


def require(model: Model, purpose: str) -> Record:
    """The purpose record; an unknown purpose is a usage error (exit 2) listing the known ones."""
    record = model.get("purposes", purpose)
    if record is None:
        known = ", ".join(sorted(model.ids["purposes"])) or _("none")
        raise UsageError(_("'{purpose}' is not a purpose in records/purposes/; known purposes: {known}").format(
            purpose=purpose, known=known))
    return record


def categories(record: Record) -> set[str]:
    """The data categories the purpose covers (`data_categories`)."""
    return {c for c in list_of(record.get("data_categories")) if isinstance(c, str)}


def sources(record: Record) -> list[str]:
    """The sources the purpose allows (`sources`), in their order; empty when it lists none."""
    return [s for s in list_of(record.get("sources")) if isinstance(s, str)]
