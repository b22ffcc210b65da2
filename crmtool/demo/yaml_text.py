"""Records as YAML text, written with plain string formatting in the layout of the example
records: the `$schema` comment first, flow mappings for list items, dates unquoted.

A YAML dumper would be ten times slower at 100,000 people. Every string that YAML could read
as something else (a date, a number, yes/no, a leading zero) or that holds a character with
a meaning in flow style is double-quoted, so Y005-Y007 have nothing to report.
"""
from __future__ import annotations

import datetime as dt
import re

from .entities import Interaction, Org, Person, Request, Role

_PLAIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ž][A-Za-zÀ-ÖØ-öø-ž .'’-]*[A-Za-zÀ-ÖØ-öø-ž.]|[A-Za-zÀ-ÖØ-öø-ž]")
_PLAIN_ADDRESS = re.compile(r"[a-z][a-z0-9.-]*@[a-z0-9.-]+")
_RESERVED = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf"})


def q(text: str) -> str:
    """A string as a YAML scalar: plain when it can only be read as that text, else quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and "  " not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _email(address: str) -> str:
    return address if _PLAIN_ADDRESS.fullmatch(address) else q(address)


def _text(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{lang}: {q(text)}" for lang, text in value.items()) + "}"
    return q(value)


def _ids(values) -> str:
    return "[" + ", ".join(values) + "]"


def _d(day: dt.date) -> str:
    return day.isoformat()


def header(schema: str, depth: int = 2) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}.schema.json\n"


def _contacts(lines: list[str], emails, phones, addresses) -> None:
    if emails:
        lines.append("emails:")
        lines += [f"- {{address: {_email(a)}, kind: {k}}}" for a, k in emails]
    if phones:
        lines.append("phones:")
        lines += [f'- {{number: "{n}", kind: {k}}}' for n, k in phones]
    if addresses:
        lines.append("addresses:")
        lines += [f'- {{kind: {k}, street: {q(s)}, number: "{n}", postcode: "{pc}", city: {q(c)}, country: NL}}'
                  for k, s, n, pc, c in addresses]


def person(p: Person, today: dt.date) -> str:
    lines = [header("person").rstrip("\n"),
             f'name: {{given: {q(p.given)}, prefix: {q(p.prefix) if p.prefix else chr(34) * 2}, '
             f'family: {q(p.family)}}}']
    if p.language:
        lines.append(f"language: {p.language}")
    _contacts(lines, p.emails, p.phones, p.addresses)
    lines.append("purposes:")
    for label in p.purposes:
        extra = f", notified: {_d(label['notified'])}" if "notified" in label else ""
        lines.append(f"- {{purpose: {label['purpose']}, since: {_d(label['since'])}, "
                     f"source: {label['source']}{extra}}}")
    if p.consents:
        lines.append("consents:")
        lines += [f"- {{purpose: {c['purpose']}, given: {_d(c['given'])}, channel: {c['channel']}, "
                  f"wording: {c['wording']}}}"
                  for c in p.consents]
    if p.objections:  # before subscriptions: the schema's order, as `crmtool fmt` writes it
        lines.append("objections: [" + ", ".join(f"{{scope: {scope}, date: {_d(day)}, request: {request.id}}}"
                                                 for scope, day, request in p.objections) + "]")
    if p.subscriptions:
        lines.append(f"subscriptions: {_ids(p.subscriptions)}")
    if p.tags:
        lines.append(f"tags: {_ids(p.tags)}")
    if p.notes:
        lines.append("notes:")
        lines += [f"- {{date: {_d(day)}, by: {by}, text: {q(text)}}}" for day, by, text in p.notes]
    lines.append(f"owner: {p.owner}")
    last = p.last_role_end()
    if last is not None and not (p.has_purpose("newsletter") or p.has_purpose("events")):
        lines += ["status: inactive", f"inactive_since: {_d(min(last + dt.timedelta(days=1), today))}"]
    else:
        lines.append("status: active")
    if p.fields:  # keys in the schema's order, as `crmtool fmt` writes them
        lines.append("fields: {" + ", ".join(f"{k}: {v}" for k, v in p.fields.items()) + "}")
    return "\n".join(lines) + "\n"


def role(r: Role) -> str:
    lines = [header("role").rstrip("\n")]
    if r.person is not None:
        lines.append(f"person: {r.person.id}")
    else:
        assert r.member is not None  # a role is held by a person or by a member organisation
        lines.append(f"member_organisation: {r.member.id}")
    lines += [f"organisation: {r.organisation.id}", f"function: {r.function}"]
    if r.qualifiers:
        lines.append(f"qualifiers: {_ids(r.qualifiers)}")
    if r.portfolio:
        lines.append(f"portfolio: {_ids(r.portfolio)}")
    if r.party:
        lines.append(f"party: {r.party}")
    lines.append(f"start: {_d(r.start)}")
    if r.end is not None:
        lines += [f"end: {_d(r.end)}", f"end_reason: {r.end_reason}"]
    if r.on_behalf_of is not None:
        lines.append(f"on_behalf_of: {r.on_behalf_of.id}")
    lines.append(f"public: {'true' if r.public else 'false'}")
    return "\n".join(lines) + "\n"


def organisation(o: Org) -> str:
    lines = [header("organisation").rstrip("\n"), f"name: {_text(o.name)}"]
    if o.short_name:
        lines.append(f"short_name: {q(o.short_name)}")
    lines.append(f"kind: {o.kind}")
    if o.parent is not None:
        lines.append(f"parent: {o.parent.id}")
    if o.identifiers:
        lines.append("identifiers: {" + ", ".join(f"{k}: {v}" for k, v in o.identifiers.items()) + "}")
    if o.province:
        lines.append(f"province: {o.province}")
    if o.region:
        lines.append(f"region: {o.region}")
    if o.places:
        lines.append("places: [" + ", ".join(q(p) for p in o.places) + "]")
    _contacts(lines, o.emails, o.phones, [(k, s, n, pc, c) for k, s, n, pc, c in o.addresses])
    if o.website:
        lines.append(f'website: "{o.website}"')
    if o.start:
        lines.append(f"start: {o.start}")
    if o.tags:
        lines.append(f"tags: {_ids(o.tags)}")
    lines.append(f"owner: {o.owner}")
    if o.fields:
        lines.append("fields:")
        for key, value in o.fields.items():
            shown = ("true" if value else "false") if isinstance(value, bool) else \
                str(value) if isinstance(value, int) else q(value)
            lines.append(f"  {key}: {shown}")
    return "\n".join(lines) + "\n"


def interaction(i: Interaction) -> str:
    lines = [header("interaction", 3).rstrip("\n"), f"date: {_d(i.date)}", f"kind: {i.kind}",
             f"people: {_ids(p.id for p in i.people)}"]
    if i.organisations:
        lines.append(f"organisations: {_ids(o.id for o in i.organisations)}")
    if i.roles:
        lines.append(f"roles: {_ids(r.id for r in i.roles)}")
    lines += [f"staff: {_ids(i.staff)}", f"summary: {q(i.summary)}", f"purpose: {i.purpose}"]
    if i.request is not None:
        lines.append(f"request: {i.request.id}")
    lines.append(f"owner: {i.owner}")
    return "\n".join(lines) + "\n"


def request(r: Request) -> str:
    lines = [header("request").rstrip("\n"), f"kind: {r.kind}", f"title: {q(r.title)}",
             f"received: {_d(r.received)}", f"channel: {r.channel}"]
    sender = []
    if r.person is not None:
        sender.append(f"person: {r.person.id}")
    if r.organisation is not None:
        sender.append(f"organisation: {r.organisation.id}")
    lines += ["from: {" + ", ".join(sender) + "}", f"topics: {_ids(r.topics)}", f"assignee: {r.assignee}",
              f"stage: {r.stage}", "history:"]
    for entry in r.history:
        parts = [f"date: {_d(entry['date'])}", f"stage: {entry['stage']}", f"by: {entry['by']}"]
        if "note" in entry:
            parts.append(f"note: {q(entry['note'])}")
        if "assignee" in entry:
            parts.append(f"assignee: {entry['assignee']}")
        lines.append("- {" + ", ".join(parts) + "}")
    if r.follow_up is not None:
        lines.append(f"follow_up: {_d(r.follow_up)}")
    if r.identity_verified is not None:
        lines.append(f"identity_verified: {{date: {_d(r.identity_verified)}, method: "
                     f"{q('Bevestiging vanaf het e-mailadres dat bij ons bekend is')}, by: eline}}")
    if r.outcome is not None:
        day, decision, note, ground = r.outcome
        grounds = f", ground: {ground}" if ground else ""
        lines.append(f"outcome: {{date: {_d(day)}, decision: {decision}{grounds}, note: {q(note)}}}")
    if r.recipients_notified is not None:
        lines.append("recipients_notified: [" + ", ".join(f"{{recipient: {who}, date: {_d(day)}}}"
                                                          for who, day in r.recipients_notified) + "]")
    if r.closed is not None:
        lines.append(f"closed: {_d(r.closed)}")
    lines.append(f"owner: {r.owner}")
    return "\n".join(lines) + "\n"
