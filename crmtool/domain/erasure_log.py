"""The erasure log: proof that a person was erased or anonymised, without keeping who.

An organisation must be able to show that it honoured an erasure request (Art. 5(2)), yet
the proof must not bring the erased data back. The log therefore holds, per erasure, the
day, the request and salted hashes of the id, every alias id the person absorbed by a merge,
the email addresses, the phone numbers (E.164), the full name (as written and in an
order-free form, with and without prefix), the given and family name a path must not hold
and each word of the name (so that the search hashes only runs of words that can be a name);
never a value in clear (an id may be a name slug under `id_style: name`). The salt is random per
repository and kept in the log's header: staff may see it, its only job is to stop a
dictionary lookup by someone who has the log but not the repository. With it,
`crmtool subject verify-erased` can still recognise the person's identifiers in a file or in
the history after the person's own record is gone.

The log lives at the repository root (`erasure-log.yaml`), outside `records/`: it is not a
record type, and the schemas must not have to accept it.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .personal_data import normalise, order_free, words
from ..load.repo import UsageError
from .texts import full_name

LOG_FILE = "erasure-log.yaml"
HEADER = ("# The erasure log of crmtool subject erase / anonymise: salted sha256 hashes only, never\n"
          "# a value in clear. The salt is not secret from staff; it prevents dictionary lookups\n"
          "# outside this repository. Do not edit by hand.\n")
ERASED, ANONYMISED = "erased", "anonymised"
_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class SaltedLog:
    """A log of salted hashes at the repository root, as read (or new, with a fresh salt)."""

    salt: str
    entries: list[dict] = field(default_factory=list)
    exists: bool = False

    def hash(self, value: str) -> str:
        """sha256 of salt + the normalised value (case, accents and spacing ignored)."""
        return hashlib.sha256((self.salt + normalise(value)).encode("utf-8")).hexdigest()

    def text(self, header: str = HEADER) -> str:
        """The log as YAML: the header comment, the salt, one flow mapping per entry."""
        lines = [header.rstrip("\n"), f"salt: {self.salt}", "entries:" if self.entries else "entries: []"]
        for entry in self.entries:
            parts = []
            for key, value in entry.items():
                shown = "[" + ", ".join(value) + "]" if isinstance(value, list) else str(value)
                parts.append(f"{key}: {shown}")
            lines.append("- {" + ", ".join(parts) + "}")
        return "\n".join(lines) + "\n"


@dataclass
class ErasureLog(SaltedLog):
    """The erasure log as read (or a new, empty one with a fresh salt)."""

    def entry(self, day: str, kind: str, request: str | None, person_id: str, data: dict, ids) -> dict:
        """The log entry for a person about to be erased: hashes of every identifier `ids`
        (`subject.identifiers.Identifiers`) holds (aliases, phones and name forms only when
        there are any)."""
        entry: dict = {"date": day, "kind": kind}
        if request:
            entry["request"] = request
        entry["id_hash"] = self.hash(person_id)
        entry["email_hashes"] = sorted({self.hash(address) for address in ids.emails})
        name = name_key(data)
        if name:
            entry["name_hash"] = self.hash(name)
        optional = {"alias_hashes": ids.ids[1:], "phone_hashes": ids.phones,
                    "name_hashes": [order_free(n) for n in ids.names], "part_hashes": ids.parts,
                    "word_hashes": [w for n in ids.names for w in n]}
        for key, values in optional.items():
            if values:
                entry[key] = sorted({self.hash(v) for v in values})
        return entry

    def find(self, person_or_hash: str) -> dict | None:
        """The entry for a person id (hashed here) or an id_hash given as such."""
        wanted = person_or_hash.lower() if _HASH.match(person_or_hash.lower()) else self.hash(person_or_hash)
        return next((e for e in self.entries if e.get("id_hash") == wanted), None) or next(
            (e for e in self.entries if wanted in (e.get("alias_hashes") or [])), None)


def read(root: Path) -> ErasureLog:
    """The repository's log, or a new one (not yet written) with a random salt."""
    salt, entries, exists = read_hashed(root, LOG_FILE, "an erasure log")
    return ErasureLog(salt, entries, exists)


def read_hashed(root: Path, name: str, what: str) -> tuple[str, list[dict], bool]:
    """A log of salted hashes at the repository root (this log, the suppression list): its
    salt, entries and whether it exists; a fresh random salt when it does not."""
    path = Path(root) / name
    if not path.exists():
        return secrets.token_hex(16), [], False
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise UsageError(f"{name}: cannot be read ({error})") from error
    if (not isinstance(data, dict) or not isinstance(data.get("salt"), str)
            or not isinstance(data.get("entries", []), list)):
        raise UsageError(f"{name}: not {what} (a `salt` and a list of `entries` expected)")
    entries = [{k: (str(v) if not isinstance(v, list) else [str(x) for x in v]) for k, v in e.items()}
               for e in data.get("entries") or [] if isinstance(e, dict)]
    return data["salt"], entries, True


def name_key(data: dict) -> str:
    """The full name as the words a text search compares ("teun jansen")."""
    return " ".join(words(full_name(data.get("name"))))
