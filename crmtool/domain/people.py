"""When two person records may be the same person: the keys Q005 compares and `crmtool
import` matches its rows with (an email address, a name, the organisations a person works
at on a day), so the check and the import agree on what a probable duplicate is.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from ..load.model import Model, Period


def email_key(address: Any) -> str | None:
    """An email address as it is compared (case and surrounding spaces ignored); None when
    there is none."""
    return address.strip().lower() if isinstance(address, str) and address.strip() else None


def current_organisations(model: Model, person_id: str, day: dt.date) -> list[str]:
    """The organisations (ids, aliases resolved) where a person holds a role on `day`: the
    second half of the name-and-organisation judgement."""
    found = []
    for role in model.roles_of(person_id):
        organisation = role.get("organisation")
        if isinstance(organisation, str) and Period.of(role.data).holds_on(day):
            target = model.get("organisations", organisation)
            found.append(target.id if target else organisation)
    return found


def name_key(name: Any) -> str:
    """Given name (else initials), prefix and family name, compared without case, accents or
    extra spaces: "Jan  van Dijk" and "jan Van DIJK" are one name. Empty when there is no
    family name."""
    if not isinstance(name, dict) or not isinstance(name.get("family"), str):
        return ""
    given = name.get("given")
    first = given if isinstance(given, str) and given.strip() else name.get("initials")
    parts = [p for p in (first, name.get("prefix"), name["family"]) if isinstance(p, str)]
    text = unicodedata.normalize("NFKD", " ".join(parts))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold() if name["family"].strip() else ""
