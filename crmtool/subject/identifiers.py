"""A person's identifiers in free text: found and replaced by "[removed]".

Erasure must reach the texts staff wrote about a person elsewhere ("Teun Jansen called
about...") as well as the references. Names are matched as runs of whole words compared
normalised (case and accents ignored, as the register's scan does: `register/scan.py`), so
"TEUN  Jansen" or "Téun Jansen" is found too; a single word is never taken for a name.
Email addresses and ids are matched case-insensitively as whole tokens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..register.scan import WORD, email_addresses, name_runs, normalise

REMOVED = "[removed]"


@dataclass(frozen=True)
class Identifiers:
    ids: tuple[str, ...]
    emails: tuple[str, ...]
    names: tuple[tuple[str, ...], ...]  # each a run of normalised words

    @classmethod
    def of(cls, person_id: str, data: dict) -> "Identifiers":
        aliases = [a for a in data.get("aliases") or [] if isinstance(a, str)]
        names = name_runs(data.get("name"))
        return cls(tuple([person_id, *aliases]), tuple(email_addresses(data)),
                   tuple(sorted(names, key=len, reverse=True)))

    def _token_pattern(self) -> re.Pattern | None:
        tokens = [re.escape(t) for t in (*self.emails, *self.ids) if t]
        if not tokens:
            return None
        return re.compile(r"(?<![\w.@-])(?:" + "|".join(sorted(tokens, key=len, reverse=True)) + r")(?![\w@-])",
                          re.IGNORECASE)

    def redact(self, text: str) -> tuple[str, int]:
        """`text` with every id, email address and full name replaced; and how many were."""
        count = 0
        pattern = self._token_pattern()
        if pattern is not None:
            text, count = pattern.subn(REMOVED, text)
        words = list(WORD.finditer(text))
        keys = [normalise(w.group()) for w in words]
        spans = []
        index = 0
        while index < len(words):
            for name in self.names:
                if tuple(keys[index:index + len(name)]) == name:
                    spans.append((words[index].start(), words[index + len(name) - 1].end()))
                    index += len(name)
                    break
            else:
                index += 1
        for start, end in reversed(spans):
            text = text[:start] + REMOVED + text[end:]
        return text, count + len(spans)

    def mentioned_in(self, text: str) -> bool:
        """A cheap first look over a whole file's text (normalised): might it name the person?"""
        flat = normalise(text)
        return (any(normalise(t) in flat for t in (*self.ids, *self.emails))
                or any(" ".join(name) in flat for name in self.names))
