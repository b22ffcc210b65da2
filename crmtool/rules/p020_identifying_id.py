"""P020: a person's id does not contain their name or email address.

A person's id is the name of their file, and file names end up in every commit, every diff,
every CI log and every clone: git history is the hardest place to erase from (Art. 17), so
data protection by design (Art. 25(1)) keeps personal data out of it. `crmtool new person`
therefore proposes an opaque id (`p-7k2m9q`).

The judgement, low on false alarms: names and email local parts are normalised (lower case,
accents stripped, spaces, apostrophes and hyphens removed), and an id matches when

- one of its hyphen-separated parts, or several neighbouring parts read together
  (`van-der-berg`, `jan-jansen`), equals the given name or one of its words, the family name
  (with and without its prefix, and each word of a double name), or the local part of one of
  the person's email addresses; trailing digits of a part are ignored (`jansen2`);
- or the id read without hyphens contains one of these of five letters or more
  (`p-jjansen`, `janjansen`).

Name pieces shorter than three letters (`p`, `jo`, `de`) and the words of a prefix on their
own (`van`, `der`) never match. The finding is on the file as a whole.

With `id_style: name` in crmtool.yaml the organisation has chosen readable ids: the rule then
stays silent on names but still warns when an id contains an email address's local part that
is more than the person's name (`jansen82`, `superjan`), since that is not what readable ids
are for.

Passing (``name: {given: Jan, family: Jansen}``)::

    records/people/p-7k2m9q.yaml

Failing::

    records/people/jan-jansen.yaml
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P020", "warning", N_("A person's id must not contain their name or email address"),
            "record", "Art. 25(1)")

MIN_LENGTH = 3  # shorter name pieces ("p", "jo") would match by chance
SUBSTRING_LENGTH = 5  # from this length a piece is specific enough to find inside a longer part

# Dutch, Flemish, German and French name prefixes (tussenvoegsels), normalised.
PREFIXES = frozenset({
    "van", "der", "den", "de", "het", "ter", "ten", "te", "t", "in", "op", "aan", "bij", "onder",
    "uit", "voor", "over", "la", "le", "les", "du", "des", "d", "l", "von", "vom", "zu", "zum", "zur",
    "auf", "am", "al", "el", "da", "di", "dos", "do", "del", "della", "lo", "mc", "mac", "o",
})


# Letters that Unicode does not decompose into an ASCII letter and an accent.
_FOLD = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                       "þ": "th", "ŀ": "l", "ĳ": "ij"})
_APOSTROPHES = re.compile(r"['’‘`´]")


def plain(text: str) -> str:
    """Lower case, accents stripped, apostrophes removed: `d'Hondt-Müller` → `dhondt-muller`.
    How names, ids and commit messages are compared (P020, P021)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return _APOSTROPHES.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def normalise(text: str) -> str:
    """Only letters and digits of `plain`: `Van 't Hoff-Müller` → `vanthoffmuller`."""
    return "".join(_words(text))


def _words(text: str) -> list[str]:
    """The words of a name or local part, normalised; apostrophes join (`d'Hondt` → `dhondt`)."""
    return re.findall(r"[a-z0-9]+", plain(text))


def name_pieces(name: object) -> set[str]:
    """Everything in a person's name that an id might spell: the given name and its words, the
    family name with and without prefix, each word of a double family name."""
    if not isinstance(name, dict):
        return set()
    text = lambda key: name.get(key) if isinstance(name.get(key), str) else ""  # noqa: E731
    given, prefix, family = _words(text("given")), _words(text("prefix")), _words(text("family"))
    core = [w for w in family if w not in PREFIXES] if len(family) > 1 else family  # "van der Berg" as family
    pieces = {"".join(given), "".join(family), "".join(prefix + family), "".join(core), *given, *core}
    return {p for p in pieces if len(p) >= MIN_LENGTH}


def email_pieces(emails: object) -> dict[str, str]:
    """The local parts of a person's email addresses, normalised → as written."""
    result = {}
    for item in emails if isinstance(emails, list) else []:
        address = item.get("address") if isinstance(item, dict) else None
        if isinstance(address, str) and "@" in address:
            local = address.rsplit("@", 1)[0]
            piece = normalise(local)
            if len(piece) >= MIN_LENGTH:
                result[piece] = local
    return result


def id_contains(record_id: str, piece: str) -> bool:
    """Whether `piece` (normalised) is spelled by the id, in the ways the module docstring lists."""
    parts = [re.sub(r"(?<=[a-z])[0-9]+$", "", p) for p in record_id.split("-")]
    for start in range(len(parts)):
        for end in range(start + 1, len(parts) + 1):
            if "".join(parts[start:end]) == piece:
                return True
    return len(piece) >= SUBSTRING_LENGTH and piece in record_id.replace("-", "")


def _only_name(local: str, name: object) -> bool:
    """Whether an email local part spells nothing but the person's name: words and initials of
    it in any order (`jan.jansen`, `j.jansen`, `jjansen`, `jansen.jan`). With readable ids such a
    local part adds nothing to what the id is allowed to show."""
    if not isinstance(name, dict):
        return False
    words: set[str] = set()
    for key in ("given", "prefix", "family", "initials"):
        if isinstance(name.get(key), str):
            found = _words(name[key])
            words.update(found)
            words.update(w[0] for w in found)
            words.add("".join(found))
    target = normalise(local)
    spelled = [True] + [False] * len(target)  # spelled[i]: target[:i] is made of name words
    for end in range(1, len(target) + 1):
        spelled[end] = any(spelled[start] and target[start:end] in words for start in range(end))
    return spelled[-1]


def check(ctx: RepoContext) -> Iterator[Finding]:
    readable = ctx.model.config.get("id_style") == "name"
    for person in ctx.model.of("people"):
        names = name_pieces(person.get("name"))
        emails = email_pieces(person.get("emails"))
        in_name = not readable and any(id_contains(person.id, p) for p in names)
        in_email = any(id_contains(person.id, piece) for piece, local in emails.items()
                       if not (readable and _only_name(local, person.get("name"))))
        if not (in_name or in_email):
            continue
        message = (_("The id '{id}' contains this person's name and email address.") if in_name and in_email
                   else _("The id '{id}' contains this person's name.") if in_name
                   else _("The id '{id}' contains this person's email address."))
        yield RULE.finding(
            person.path, ctx.at(person),
            message.format(id=person.id) + " " + _("Ids live on in file names and in git history."),
            _("Rename the file to an opaque id (`p-` and six random letters or digits, as `crmtool new person` "
              "proposes) and update every reference to it. Do it before the change is merged: once merged, the id "
              "stays in git history."))
