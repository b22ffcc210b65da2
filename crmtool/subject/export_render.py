"""The export of `crmtool.subject.export` as JSON (Art. 20), HTML (Art. 15) or vCard.

JSON is the structure as it is: stable keys, ISO dates, UTF-8, so another organisation's
system can read it. HTML is the letter-sized copy a person reads and prints: one file, its
style inline, no external resources and no JavaScript, autoescaped because every value comes
from a record anyone with write access can fill. vCard 4.0 (RFC 6350) carries the contact
part; it is written here because no maintained Python library writes 4.0 (`vobject` writes
3.0), and the format is small: escaping, folding at 75 octets and CRLF line ends.
"""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from ..i18n import N_
from .. import templating
from ..register.render import translations
from .export import Export

FORMATS = ("json", "html", "vcard")

CODES = {
    # interaction kinds
    "meeting": N_("meeting"), "call": N_("phone call"), "video-call": N_("video call"), "email": N_("email"),
    "letter": N_("letter"), "event": N_("event"), "visit": N_("visit"), "other": N_("other"),
    # kinds of email addresses, phone numbers and addresses
    "work": N_("work"), "private": N_("private"), "mobile": N_("mobile"), "home": N_("home"),
    "postal": N_("postal"),
    # request kinds
    "question": N_("question"), "project": N_("project"), "access": N_("access"),
    "rectification": N_("rectification"), "erasure": N_("erasure"), "portability": N_("portability"),
    "objection": N_("objection"), "restriction": N_("restriction"), "complaint": N_("complaint"),
    # status and outcome
    "active": N_("active"), "inactive": N_("inactive"), "granted": N_("granted"),
    "partly-granted": N_("partly granted"), "refused": N_("refused"), "withdrawn": N_("withdrawn"),
}
"""The record codes the HTML copy puts into words; the JSON keeps the codes. A code not
listed here (a pipeline stage a repository defines) is shown as it is."""


def render(result: Export, output_format: str, root: Path | None = None) -> str:
    if output_format == "json":
        return render_json(result)
    if output_format == "html":
        return render_html(result, root)
    if output_format == "vcard":
        return render_vcard(result)
    raise ValueError(output_format)


def render_json(result: Export) -> str:
    return json.dumps(result.data, indent=2, ensure_ascii=False) + "\n"


def template_dir(root: Path | None) -> Path:
    """A repository's own `templates/subject/` wins (a fork may restyle its letters)."""
    return templating.folder(root, "subject")


def render_html(result: Export, root: Path | None = None) -> str:
    env = Environment(loader=templating.loader(template_dir(root)), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"], trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    catalogue = translations(result.language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    env.filters["words"] = lambda code: catalogue.gettext(CODES[code]) if code in CODES else (code or "")
    return env.get_template("export.html").render(lang=result.language, **result.data)


def escape_value(text: str) -> str:
    """RFC 6350 3.4: backslash, comma, semicolon and newline escaped in a text value."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """RFC 6350 3.2: lines longer than 75 octets continue on the next line after CRLF and a
    space, never splitting a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not pieces else 74):
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _type(kind: object) -> str:
    return f";TYPE={kind}" if isinstance(kind, str) and kind.isalnum() else ""


def render_vcard(result: Export) -> str:
    """One vCard 4.0 of the person: name, emails, phones, addresses, current roles as ORG and
    TITLE (grouped, so each title stays with its organisation)."""
    lines = contact_lines(result.data["person"])
    number = 0
    for role in result.data["roles"]:
        if not role["current"] or not role["organisation"]:
            continue
        number += 1
        organisation = role["organisation"]["name"] or role["organisation"]["id"]
        lines.append(f"role{number}.ORG:" + escape_value(organisation))
        if role["function"]:
            lines.append(f"role{number}.TITLE:" + escape_value(role["function"]["label"]))
    return card(lines)


def contact_lines(person: dict) -> list[str]:
    """The content lines of a person's card, as `export.py`'s `person` holds it: FN, N, UID,
    LANG, EMAIL, TEL, ADR. Keys left out (an export whose purpose does not cover addresses)
    give no lines; without a name, FN is the id (vCard 4.0 requires FN). `crmtool export vcard`
    writes its cards with this too, so both exports read back the same way."""
    name = person.get("name") or {}
    family = " ".join(v for v in (name.get("prefix"), name.get("family")) if v)
    lines = ["FN:" + escape_value(person.get("full_name") or person["id"])]
    if "name" in person:
        lines.append("N:" + ";".join(escape_value(v) for v in (family, name.get("given") or "", "", "", "")))
    lines.append("UID:urn:crmtool:" + escape_value(person["id"]))
    if person.get("language"):
        lines.append("LANG:" + escape_value(person["language"]))
    for email in person.get("emails") or []:
        if email.get("address"):
            lines.append(f"EMAIL{_type(email.get('kind'))}:" + escape_value(str(email["address"])))
    for phone in person.get("phones") or []:
        if phone.get("number"):
            kind = {"mobile": "cell", "home": "home", "work": "work"}.get(phone.get("kind"))
            lines.append(f"TEL;VALUE=text{_type(kind)}:" + escape_value(str(phone["number"])))
    for address in person.get("addresses") or []:
        street = " ".join(str(address[k]) for k in ("street", "number", "addition") if address.get(k))
        parts = ("", "", street, address.get("city") or "", "", address.get("postcode") or "",
                 address.get("country") or "NL")
        kind = {"home": "home", "work": "work"}.get(address.get("kind"))
        lines.append(f"ADR{_type(kind)}:" + ";".join(escape_value(str(p)) for p in parts))
    return lines


def card(lines: list[str]) -> str:
    """A vCard 4.0 around content lines: BEGIN, VERSION, the lines folded, END, CRLF ends."""
    return "".join(fold(line) + "\r\n" for line in ["BEGIN:VCARD", "VERSION:4.0", *lines, "END:VCARD"])
