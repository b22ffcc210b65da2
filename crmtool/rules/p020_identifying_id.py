"""P020: no record's id contains a person's name or email address.

An id is the name of a file, and file names end up in every commit, every diff, every CI log
and every clone: git history is the hardest place to erase from (Art. 17), so data
protection by design (Art. 25(1)) keeps personal data out of it. `crmtool new` proposes
opaque ids for people (`p-7k2m9q`) and ids without free text for contact moments
(`i-2026-12-04-k3m9`) and requests (`q-2026-0020`); this rule catches a name typed into an
id by hand, in any folder (people, organisations, roles, requests, contact moments and their
sub-folders, lists, purposes, ...).

In **any** record's id, the rule looks for every person's (and every colleague's) *full*
name and email address, never for one word of a name: organisation slugs hold place names
that are also family names (`gemeente-almere`, a Mr Almere), and a first name alone
identifies no one. Names and addresses are normalised (lower case, accents stripped,
apostrophes removed), and an id matches when neighbouring hyphen-separated parts read
together (trailing digits of a part ignored) spell

- the given name (all given names, or the first one) and the family name (with or without
  its prefix), in either order: `jan-jansen`, `jansen-jan`, `anna-van-der-berg`,
  `vanderberg-anna`, `janjansen2`;
- an email address whole (`sara-mailde-example-org`), or its local part when that has a
  separator and five letters or more (`sara-mailde` from `sara.mailde@...`, `k-ploeger`).

In a **person's own** id it looks harder, as before: any piece of the name of three letters
or more (`p-jansen2`, `p-jjansen`), or the local part of one of their addresses.

Exempt by design:

- with `id_style: name` in crmtool.yaml the organisation has chosen readable ids for
  people: a person's id may then spell their own name (it still must not spell an email
  local part that is more than the name, `jansen82`, `superjan`);
- a colleague's id under `records/staff/` may spell that colleague's own name or address
  (staff ids are colleagues' handles, `anna`, by design), but not anyone else's.

A finding names the person by their id, never by their name, and is on the file as a whole.

Passing (``name: {given: Jan, family: Jansen}``, email ``jan.jansen@example.org``)::

    records/people/p-7k2m9q.yaml
    records/interactions/2026/i-2026-12-04-k3m9.yaml
    records/organisations/gemeente-almere.yaml

Failing::

    records/people/jan-jansen.yaml
    records/interactions/2026/i-2026-12-04-bellen-met-jan-jansen.yaml
    records/requests/q-2026-jansen-jan.yaml
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from ..load.repo import FOLDERS
from .base import RepoContext, Rule
from ..domain.personal_data import plain

RULE = Rule("P020", "error", N_("No id may contain a person's name or email address"),
            "repository", "Art. 25(1)")

_TRAILING_DIGITS = re.compile(r"(?<=[a-z])[0-9]+$")
MIN_LENGTH = 3  # shorter name pieces ("p", "jo") would match by chance
SUBSTRING_LENGTH = 5  # from this length a piece is specific enough to find inside a longer part

# Dutch, Flemish, German and French name prefixes (tussenvoegsels), normalised.
PREFIXES = frozenset({
    "van", "der", "den", "de", "het", "ter", "ten", "te", "t", "in", "op", "aan", "bij", "onder",
    "uit", "voor", "over", "la", "le", "les", "du", "des", "d", "l", "von", "vom", "zu", "zum", "zur",
    "auf", "am", "al", "el", "da", "di", "dos", "do", "del", "della", "lo", "mc", "mac", "o",
})


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
    text = lambda key: value if isinstance(value := name.get(key), str) else ""  # noqa: E731
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
    return piece in spelled(record_id) or (len(piece) >= SUBSTRING_LENGTH and piece in record_id.replace("-", ""))


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


FULL_NAME_LENGTH = 5  # "jo" + "ek" is too short to be told from chance
EMAIL_LOCAL_LENGTH = 5  # a local part on its own counts from this length, and only with a separator


def full_names(name: object) -> set[str]:
    """The ways an id might spell a person's whole name, normalised: given name (all of them,
    or the first) and family name (with or without prefix), in either order. A colleague's
    `name` is a string ("Anna de Vries"): its first word is taken as the given name."""
    if isinstance(name, str):
        words = _words(name)
        name = {"given": words[0], "family": " ".join(words[1:])} if len(words) > 1 else {}
    if not isinstance(name, dict):
        return set()
    text = lambda key: value if isinstance(value := name.get(key), str) else ""  # noqa: E731
    given, prefix, family = _words(text("given")), _words(text("prefix")), _words(text("family"))
    if not given or not family:
        return set()
    core = [w for w in family if w not in PREFIXES] if len(family) > 1 else family
    givens = {"".join(given), given[0]}
    families = {"".join(prefix + family), "".join(family), "".join(core)}
    forms = {g + f for g in givens for f in families if g and f} | {f + g for g in givens for f in families if g and f}
    return {form for form in forms if len(form) >= FULL_NAME_LENGTH}


def full_addresses(emails: object) -> set[str]:
    """The ways an id might spell a person's email address, normalised: the address whole,
    and its local part when that has a separator and is long enough to mean someone
    (`sara.mailde`, `k.ploeger`; not `info`, not `jan`)."""
    found = set()
    items = [emails] if isinstance(emails, str) else emails if isinstance(emails, list) else []
    for item in items:
        address = item.get("address") if isinstance(item, dict) else item
        if not isinstance(address, str) or "@" not in address:
            continue
        local = address.rsplit("@", 1)[0]
        found.add(normalise(address))
        if re.search(r"[._+\-]", local) and len(normalise(local)) >= EMAIL_LOCAL_LENGTH:
            found.add(normalise(local))
    return found


def spelled(record_id: str) -> Iterator[str]:
    """Every run of neighbouring id parts read together, trailing digits of a part dropped:
    what an id can spell without crossing into the middle of a word."""
    parts = [_TRAILING_DIGITS.sub("", p) if p[-1:].isdigit() else p for p in record_id.split("-")]
    for start in range(len(parts)):
        run = ""
        for part in parts[start:]:
            run += part
            yield run


def _index(people: Iterable[Record], names: str, emails: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Full names and addresses of these records → the ids of the records that hold them."""
    by_name: dict[str, set[str]] = {}
    by_email: dict[str, set[str]] = {}
    for person in people:
        for form in full_names(person.get(names)):
            by_name.setdefault(form, set()).add(person.id)
        for form in full_addresses(person.get(emails)):
            by_email.setdefault(form, set()).add(person.id)
    return by_name, by_email


def _ids(ctx: RepoContext) -> Iterator[tuple[str, str, str]]:
    """(folder, id, path) of every record file the check knows, loaded or not: a file with
    a syntax error still carries its name into git."""
    if ctx.files:
        for file in ctx.files:
            yield file.folder, file.id, file.path
        return
    for folder in FOLDERS:
        for record in ctx.model.of(folder):
            yield folder, record.id, record.path


def check(ctx: RepoContext) -> Iterator[Finding]:
    readable = ctx.model.config.get("id_style") == "name"
    people_names, people_emails = _index(ctx.model.of("people"), "name", "emails")
    staff_names, staff_emails = _index(ctx.model.of("staff"), "name", "email")
    for folder, record_id, path in _ids(ctx):
        record = ctx.model.get(folder, record_id)
        own = record if record is not None and record.path == path else None  # the record in this very file
        if folder == "people" and own is not None:
            finding = _own_id(ctx, own, readable)
            if finding is not None:
                yield finding
                continue
        forms = set(spelled(record_id))
        named = _holders(forms, people_names, staff_names)
        mailed = _holders(forms, people_emails, staff_emails)
        if own is not None and folder == "people" and readable:
            named.discard(("people", record_id))
            named = {h for h in named if not (full_names(own.get("name")) & _forms_of(ctx, h, "name"))}
        if own is not None and folder == "staff":  # a colleague's handle may be their own name or address
            named.discard(("staff", record_id))
            mailed.discard(("staff", record_id))
            named = {h for h in named if not (full_names(own.get("name")) & _forms_of(ctx, h, "name"))}
            mailed = {h for h in mailed if not (full_addresses(own.get("email")) & _addresses_of(ctx, h))}
        if not (named or mailed):
            continue
        who = ", ".join(sorted({rid for _, rid in named | mailed}))
        message = (_("The id '{id}' contains the name and email address of {who}.") if named and mailed
                   else _("The id '{id}' contains the name of {who}.") if named
                   else _("The id '{id}' contains the email address of {who}.")).format(id=record_id, who=who)
        yield RULE.finding(path, (1, 1), message + " " + _("Ids live on in file names and in git history."),
                           _("Rename the file to an id without names (as `crmtool new` proposes: a person `p-` and "
                             "six random characters, a contact moment its date and four random characters, a request "
                             "a number) and update every reference to it. Do it before the change is merged: once "
                             "merged, the id stays in git history."))


def _holders(forms: set[str], people: dict[str, set[str]], staff: dict[str, set[str]]) -> set[tuple[str, str]]:
    # a dictionary's keys intersected with a small set: looked up in C, form by form
    found = {("people", rid) for form in people.keys() & forms for rid in people[form]}
    return found | {("staff", rid) for form in staff.keys() & forms for rid in staff[form]}


def _forms_of(ctx: RepoContext, holder: tuple[str, str], key: str) -> set[str]:
    record = ctx.model.get(*holder)
    return full_names(record.get(key)) if record is not None else set()


def _addresses_of(ctx: RepoContext, holder: tuple[str, str]) -> set[str]:
    record = ctx.model.get(*holder)
    return full_addresses(record.get("emails" if holder[0] == "people" else "email")) if record is not None else set()


def _own_id(ctx: RepoContext, person: Record, readable: bool) -> Finding | None:
    """A person's id against their own name and addresses, the stricter way (any piece)."""
    names = name_pieces(person.get("name"))
    emails = email_pieces(person.get("emails"))
    in_name = not readable and any(id_contains(person.id, p) for p in names)
    in_email = any(id_contains(person.id, piece) for piece, local in emails.items()
                   if not (readable and _only_name(local, person.get("name"))))
    if not (in_name or in_email):
        return None
    message = (_("The id '{id}' contains this person's name and email address.") if in_name and in_email
               else _("The id '{id}' contains this person's name.") if in_name
               else _("The id '{id}' contains this person's email address."))
    return RULE.finding(
        person.path, ctx.at(person),
        message.format(id=person.id) + " " + _("Ids live on in file names and in git history."),
        _("Rename the file to an opaque id (`p-` and six random letters or digits, as `crmtool new person` "
          "proposes) and update every reference to it. Do it before the change is merged: once merged, the id "
          "stays in git history."))
