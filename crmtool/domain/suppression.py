"""The suppression list: the people who objected, kept as salted hashes once their record is gone.

An objection binds after the person's file is deleted: someone who objected to direct marketing
(Art. 21(3)) and was later erased must not come back through an old mailing list. Their record
cannot say so any more, and the erasure log only says *that* someone was erased. So erase and
anonymise add an entry here for every person with objections: the scopes objected to (a purpose
id or `direct-marketing`, never personal data) and salted hashes of their email addresses and
phone numbers (E.164), the identifiers a mailing list carries. `crmtool import` refuses a row
that matches an entry, or a person on file with such an objection, for a purpose the objection
rules out.

Like the erasure log, the list lives at the repository root (`suppression-list.yaml`), outside
`records/`, with its own random salt; names are not kept (a name alone is too weak to refuse a
row on, and the erasure log already warns about erased names).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..load.model import Model
from .erasure_log import SaltedLog, read_hashed
from .objections import DIRECT_MARKETING, is_direct_marketing, objectable, objections
from .phones import e164

LIST_FILE = "suppression-list.yaml"
HEADER = ("# The suppression list of crmtool subject erase / anonymise: who objected (Art. 21), as salted\n"
          "# sha256 hashes of email addresses and phone numbers only, never a value in clear. crmtool import\n"
          "# refuses a row that matches it for a purpose the objection rules out. Do not edit by hand.\n")


@dataclass
class SuppressionList(SaltedLog):
    """The list as read (or a new, empty one with a fresh salt)."""

    def text(self, header: str = HEADER) -> str:
        return super().text(header)

    def add(self, day: dt.date, request: str | None, data: dict, emails, phones) -> bool:
        """Add the person with `data` (their objections) and identifiers; False when they made
        no objection or left nothing a list could match on."""
        scopes = sorted({o.scope for o in objections(data)})
        hashes = {"email_hashes": sorted({self.hash(e) for e in emails}),
                  "phone_hashes": sorted({self.hash(p) for p in phones})}
        if not scopes or not any(hashes.values()):
            return False
        entry: dict = {"date": day.isoformat()}
        if request:
            entry["request"] = request
        entry["scopes"] = scopes
        entry.update({key: values for key, values in hashes.items() if values})
        self.entries.append(entry)
        return True

    def scopes_of(self, emails, phones) -> list[str]:
        """The scopes objected to by whoever has one of these email addresses or phone numbers."""
        wanted = {self.hash(e) for e in emails} | {self.hash(p) for p in phones}
        return sorted({scope for entry in self.entries
                       if wanted & set(entry.get("email_hashes", []) + entry.get("phone_hashes", []))
                       for scope in entry.get("scopes") or []})


def read(root: Path) -> SuppressionList:
    """The repository's list, or a new one (not yet written) with a random salt."""
    salt, entries, exists = read_hashed(root, LIST_FILE, "a suppression list")
    return SuppressionList(salt, entries, exists)


def contact_keys(data: dict, region: str) -> tuple[list[str], list[str]]:
    """A person's email addresses and phone numbers (E.164), as the list compares them."""
    emails = [str(item["address"]) for item in data.get("emails") or []
              if isinstance(item, dict) and item.get("address")]
    phones = [number for item in data.get("phones") or [] if isinstance(item, dict)
              for number in [e164(item.get("number"), region)] if number]
    return emails, phones


def ruling_out(model: Model, scopes, purpose_id: str) -> str | None:
    """The scope among `scopes` that rules `purpose_id` out, as `objections.objected_to` judges
    a person's objections: direct marketing for a direct-marketing purpose, or the purpose
    itself when its legal basis is one an objection stops."""
    purpose = model.get("purposes", purpose_id)
    for scope in scopes:
        if (scope == DIRECT_MARKETING and is_direct_marketing(purpose)) or (
                scope == purpose_id and objectable(purpose)):
            return scope
    return None
