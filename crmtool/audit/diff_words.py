"""The words of `crmtool diff`: one sentence per event, and the three outputs.

Text is for the user's own terminal and shows a person's name next to the id, the labels of
vocabulary values and pipeline stages instead of their ids, and durations in words ("P1M" →
"1 maand"). Markdown is for a pull-request comment, which lives outside git and out of reach
of `crmtool subject erase` (the same reasoning as the review's Markdown): a value is shown
only when it is what its field promises (`public`): an id of an existing record, a date, a
value of the field's vocabulary or list of values, a count. Anything else, such as a name
typed into a reference or free text in `end_reason`, shows as "(text changed)". Every value
is in a code span so no record can inject markup, mentions or links, and a footer says what
is left out. JSON is for scripts and carries what Markdown carries. Nothing here prints.
"""
from __future__ import annotations

import json
import re
from itertools import groupby
from typing import Any

from .. import i18n
from .diff import Diff, Known
from .diff_events import PERSON_KEYS, SETTINGS, Event
from ..domain.durations import parse_duration
from ..domain.words import in_words
from ..i18n import N_, _
from ..load.repo import ID_PATTERN, record_of
from ..domain.texts import localised

MARKER = "<!-- crmtool-diff -->"
"""The first line of the Markdown: a workflow finds its own earlier comment by it."""

COLLAPSE_AFTER = 10
"""A section with more records than this is folded into a `<details>` element."""

COMMENT_LIMIT = 60_000
"""Characters a comment may have: GitHub's limit is 65,536, and a workflow may add a line."""

SECTIONS = {
    "people": N_("People"), "organisations": N_("Organisations"), "roles": N_("Roles"),
    "requests": N_("Requests"), "interactions": N_("Contact moments"), "purposes": N_("Purposes"),
    "processors": N_("Processors"), "lists": N_("Mailing lists"), "staff": N_("Staff"),
    "fields": N_("Custom fields"), "vocabularies": N_("Vocabularies"), SETTINGS: N_("Settings (crmtool.yaml)"),
}

SENTENCES = {  # event → (message id with its main placeholders, the values shown after it in brackets)
    "record-moved": (N_("moved from {old_path}"), ()),
    "record-added": (N_("added"), ()),
    "record-removed": (N_("removed"), ()),
    "field-added": (N_("field {field} added"), ()),
    "field-removed": (N_("field {field} removed"), ()),
    "field-changed": (N_("field {field} changed"), ()),
    "person-added": (N_("person added"), ("purposes",)),
    "person-removed": (N_("person removed"), ()),
    "person-erased": (N_("person erased (recorded in the erasure log)"), ()),
    "person-anonymised": (N_("person anonymised (recorded in the erasure log)"), ()),
    "name-changed": (N_("name changed"), ("old_name",)),
    "label-added": (N_("purpose label {purpose} added"), ("since", "source")),
    "label-ended": (N_("purpose label {purpose} ended on {until}"), ()),
    "label-reopened": (N_("purpose label {purpose} no longer ends"), ()),
    "label-changed": (N_("purpose label {purpose} changed"), ("fields",)),
    "label-removed": (N_("purpose label {purpose} removed"), ()),
    "consent-given": (N_("consent for {purpose} given on {given}"), ("wording",)),
    "consent-withdrawn": (N_("consent for {purpose} withdrawn on {withdrawn}"), ()),
    "consent-changed": (N_("consent for {purpose} changed"), ("fields",)),
    "consent-removed": (N_("consent record for {purpose} removed"), ("given",)),
    "subscription-added": (N_("subscribed to {list}"), ()),
    "subscription-ended": (N_("unsubscribed from {list}"), ()),
    "email-added": (N_("email address added ({field})"), ()),
    "email-changed": (N_("email address {field} changed"), ("subfields",)),
    "email-removed": (N_("email address removed ({field})"), ()),
    "phone-added": (N_("phone number added ({field})"), ()),
    "phone-changed": (N_("phone number {field} changed"), ("subfields",)),
    "phone-removed": (N_("phone number removed ({field})"), ()),
    "address-added": (N_("address added ({field})"), ()),
    "address-changed": (N_("address {field} changed"), ("subfields",)),
    "address-removed": (N_("address removed ({field})"), ()),
    "organisation-added": (N_("organisation added"), ("kind", "parent")),
    "organisation-moved": (N_("moved to another parent organisation"), ("old", "new")),
    "places-changed": (N_("place names changed"), ("added", "removed")),
    "role-added": (N_("role added: {function} at {organisation}"), ("person", "member", "start", "end")),
    "role-removed": (N_("role removed: {function} at {organisation}"), ("person", "member")),
    "role-ended": (N_("role ended on {end}"), ("person", "member", "reason")),
    "role-end-moved": (N_("end date moved to {end}"), ("person", "member", "old", "reason")),
    "role-reopened": (N_("role no longer ends"), ("person", "member", "old")),
    "role-end-reason-changed": (N_("end reason changed"), ("person", "member", "old", "new")),
    "role-function-changed": (N_("function changed"), ("person", "member", "old", "new")),
    "role-organisation-changed": (N_("organisation changed"), ("person", "member", "old", "new")),
    "request-received": (N_("request received: {kind} on {received}"),
                         ("person", "organisation", "assignee", "stage")),
    "request-stage-moved": (N_("stage moved from {old} to {new}"), ()),
    "request-assigned": (N_("assigned to {new}"), ("old",)),
    "request-closed": (N_("closed on {closed}"), ("decision", "ground")),
    "request-reopened": (N_("reopened"), ("old",)),
    "request-outcome-changed": (N_("outcome changed"), ("decision", "ground")),
    "interaction-recorded": (N_("contact moment recorded: {kind} on {date}"), ("purpose", "people", "organisations")),
    "purpose-added": (N_("purpose added"), ("legal_basis", "retention", "categories", "special")),
    "purpose-removed": (N_("purpose removed"), ()),
    "purpose-legal-basis-changed": (N_("legal basis changed from {old} to {new}"), ()),
    "purpose-retention-changed": (N_("retention changed from {old} to {new}"), ()),
    "purpose-categories-changed": (N_("{field} changed"), ("added", "removed")),
    "purpose-policy-changed": (N_("policy fields changed: {fields}"), ()),
    "purpose-changed": (N_("fields changed: {fields}"), ()),
    "processor-added": (N_("processor added"), ("start", "end")),
    "processor-removed": (N_("processor removed"), ()),
    "agreement-added": (N_("processing agreement recorded"), ("start", "end")),
    "agreement-removed": (N_("processing agreement removed"), ()),
    "agreement-renewed": (N_("processing agreement renewed"), ("start", "end")),
    "agreement-expired": (N_("processing agreement ended on {end}"), ()),
    "agreement-changed": (N_("processing agreement changed"), ("fields",)),
    "staff-added": (N_("colleague added"), ("teams",)),
    "staff-removed": (N_("colleague removed"), ()),
    "staff-left": (N_("colleague left (no longer active)"), ()),
    "staff-returned": (N_("colleague active again"), ()),
    "vocabulary-values-added": (N_("values added: {values}"), ()),
    "vocabulary-values-removed": (N_("values removed: {values}"), ()),
    "vocabulary-value-changed": (N_("value {value} changed"), ("fields",)),
    "settings-added": (N_("crmtool.yaml added"), ()),
    "settings-removed": (N_("crmtool.yaml removed"), ()),
    "setting-changed": (N_("setting {field} {change}"), ()),
}

DETAILS = {  # the word before a value shown in brackets
    "purposes": N_("purpose labels"), "since": N_("since"), "source": N_("source"), "fields": N_("fields"),
    "subfields": N_("fields"), "wording": N_("wording"), "given": N_("given"), "kind": N_("kind"),
    "parent": N_("part of"), "old": N_("was"), "new": N_("is now"), "added": N_("added"), "removed": N_("removed"),
    "person": N_("person"), "member": N_("member"), "start": N_("from"), "end": N_("until"),
    "reason": N_("reason"), "organisation": N_("organisation"), "assignee": N_("assignee"), "stage": N_("stage"),
    "decision": N_("decision"), "ground": N_("ground"), "purpose": N_("purpose"), "people": N_("people"),
    "organisations": N_("organisations"), "legal_basis": N_("legal basis"), "retention": N_("retention"),
    "categories": N_("data categories"), "special": N_("special categories"), "teams": N_("teams"),
    "old_name": N_("was"),
}

_CHANGES = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed")}
_PRIVATE = ("old_name",)
"""Detail keys that come from `Event.private`: text only."""


# --- which values may leave the clone ----------------------------------------------------------

class _Withheld:
    """A value that is not what its field promises: shown as "(text changed)"."""

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = _Withheld()

DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
FIELD_PATH = re.compile(r"[a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*")
"""A field path as events name it (`emails[0]`, `purposes.source`): keys as schemas spell them."""

KINDS: dict[str, tuple] = {
    "person": ("record", "people"), "people": ("record", "people"),
    "organisation": ("record", "organisations"), "organisations": ("record", "organisations"),
    "member": ("record", "organisations"), "parent": ("record", "organisations"),
    "assignee": ("record", "staff"), "staff": ("record", "staff"),
    "purpose": ("record", "purposes"), "purposes": ("record", "purposes"), "list": ("record", "lists"),
    "function": ("vocabulary", "functions"), "reason": ("vocabulary", "end-reasons"),
    "source": ("vocabulary", "sources"), "teams": ("vocabulary", "teams"),
    "stage": ("stage",), "retention": ("retention",),
    "kind": ("listed",), "legal_basis": ("listed",), "decision": ("listed",), "ground": ("listed",),
    "categories": ("listed",), "special": ("listed",), "change": ("listed",), "wording": ("listed",),
    "since": ("date",), "until": ("date",), "given": ("date",), "withdrawn": ("date",), "received": ("date",),
    "closed": ("date",), "start": ("date",), "end": ("date",), "date": ("date",),
    "field": ("path",), "fields": ("path",), "subfields": ("path",),
    "old_path": ("record path",), "old_id": ("moved id",),
    "value": ("own value",), "values": ("own value",),
    "side": ("ours",), "rule": ("ours",), "line": ("count",), "column": ("count",),
}
"""What each value of an event must be. `listed`: a value some schema or vocabulary lists."""

EVENT_KINDS: dict[tuple[str, str], tuple] = {
    **{(event, side): kind for event, kind in (
        ("role-function-changed", ("vocabulary", "functions")),
        ("role-organisation-changed", ("record", "organisations")),
        ("role-end-reason-changed", ("vocabulary", "end-reasons")),
        ("organisation-moved", ("record", "organisations")),
        ("request-stage-moved", ("stage",)),
        ("request-assigned", ("record", "staff")),
        ("purpose-legal-basis-changed", ("listed",)),
        ("purpose-retention-changed", ("retention",)),
    ) for side in ("old", "new")},
    ("role-reopened", "old"): ("date",), ("role-end-moved", "old"): ("date",), ("request-reopened", "old"): ("date",),
    ("organisation-added", "kind"): ("vocabulary", "organisation-kinds"),
    ("places-changed", "added"): ("text",), ("places-changed", "removed"): ("text",),
    ("purpose-categories-changed", "added"): ("listed",), ("purpose-categories-changed", "removed"): ("listed",),
    ("unreadable", "reason"): ("ours",),
}


def kind_of(event: Event, key: str) -> tuple:
    return EVENT_KINDS.get((event.event, key)) or KINDS.get(key) or ("listed",)


def _fits(event: Event, key: str, value: Any, known: Known) -> bool:
    """Whether `value` is what the field `key` of `event` promises."""
    kind = kind_of(event, key)
    if kind[0] == "ours":
        return True
    if kind[0] == "count":
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    if kind[0] == "date":
        return DATE.fullmatch(value) is not None
    if kind[0] == "record":
        return known.record(kind[1], value)
    if kind[0] == "vocabulary":
        return known.in_vocabulary(kind[1], value)
    if kind[0] == "stage":
        return value in known.stages
    if kind[0] == "path":
        return FIELD_PATH.fullmatch(value) is not None and len(value) <= 60
    if kind[0] == "record path":
        folder, record_id = record_of(value)
        return folder is not None and known.record(folder, record_id)
    if kind[0] == "moved id":
        return known.record(event.folder, value)
    if kind[0] == "own value":  # a vocabulary's own values, added or removed by this change
        return ID_PATTERN.match(value) is not None and known.in_vocabulary(event.record, value)
    if kind[0] == "retention":  # "P2Y last-role-end delete"
        return all(parse_duration(part) is not None or part in known.enums for part in value.split())
    if kind[0] == "listed":
        return ID_PATTERN.match(value) is not None and (
            value in known.enums or value in known.stages
            or any(value in values for values in known.vocabularies.values()))
    return False  # text


def public(event: Event, known: Known | None) -> Event:
    """The event as it may leave the clone (a pull-request comment, JSON): no private values,
    and every value that is not what its field promises replaced by WITHHELD."""
    def safe(key: str, value: Any) -> Any:
        if known is None:
            return value
        if isinstance(value, list):
            return [v if _fits(event, key, v, known) else WITHHELD for v in value]
        return value if _fits(event, key, value, known) else WITHHELD
    fields = [f if FIELD_PATH.fullmatch(f) and len(f) <= 60 else "?" for f in event.fields]
    return Event(event.folder, event.record, event.path, event.event, fields,
                 {key: safe(key, value) for key, value in event.values.items()}, event.old_path, event.policy)


def _withheld_text() -> str:
    return _("(text changed)")


def _unreadable(event: Event, show) -> str:
    values = event.values
    when = _("before the change") if values.get("side") == "before" else _("after the change")
    if values.get("reason") == "missing":
        return _("could not be read {when}: this clone does not have that version").format(when=when)
    detail = f"{values.get('rule', 'Y001')} {values.get('reason')}"
    if values.get("line") is not None:
        detail += ", " + _("line {line}, column {column}").format(line=values["line"], column=values["column"])
    return _("could not be read {when} ({detail}); crmtool check explains it").format(
        when=when, detail=show("", detail))


def sentence(event: Event, show) -> str:
    """The event in words; `show(key, value)` formats one value for the output."""
    if event.event == "unreadable":
        return _unreadable(event, show)
    message, details = SENTENCES.get(event.event, (N_("field {field} changed"), ()))
    values = dict(event.values)
    if event.event == "setting-changed":
        values["change"] = _(_CHANGES.get(values.get("change", ""), "changed"))
    main = {key: show(key, values.get(key, "?")) if key != "change" else values["change"]
            for key in _placeholders(message)}
    text = _(message).format(**main)
    shown = []
    for key in details:
        value = event.private.get(key) if key in _PRIVATE else values.get(key)
        if value in (None, "", []):
            continue
        shown.append(f"{_(DETAILS[key])} {show(key, value)}")
    return text + (f" ({', '.join(shown)})" if shown else "")


def _placeholders(message: str) -> list[str]:
    import string
    return [name for _text, name, _spec, _conv in string.Formatter().parse(message) if name]


def _joined(value: Any, one) -> str:
    if isinstance(value, list):
        return ", ".join(one(v) for v in value)
    return one(value)


def code(value: Any) -> str:
    """A value as a Markdown code span: no backticks, no line breaks inside."""
    if value is WITHHELD:
        return "_" + _withheld_text() + "_"
    text = " ".join(str(value).split()).replace("`", "'")
    return f"`{text}`"


def _sides(result: Diff) -> tuple[str, str]:
    return result.old.label, result.new.label or _("the working tree")


def _summary(result: Diff) -> str:
    records = len({(e.folder, e.path) for e in result.events})
    return _("{events} changes in {records} records").format(events=len(result.events), records=records)


def _by_record(events: list[Event]):
    for folder, in_folder in groupby(events, key=lambda e: e.folder):
        yield folder, [(path, list(group)) for path, group in groupby(in_folder, key=lambda e: e.path)]


def render_text(result: Diff) -> str:
    """For a terminal: names next to person ids, labels instead of vocabulary ids and stage
    ids, durations in words."""
    names = result.names
    known = result.known or Known()
    language = i18n.language()

    def label(key: str, item: str, event: Event | None) -> str:
        kind = kind_of(event, key) if event is not None else KINDS.get(key, ("listed",))
        if kind[0] == "vocabulary":
            return localised(known.vocabularies.get(kind[1], {}).get(item), language) or item
        if kind[0] == "stage":
            return localised(known.stages.get(item), language) or item
        if kind[0] == "own value" and event is not None:
            return localised(known.vocabularies.get(event.record, {}).get(item), language) or item
        if kind[0] == "retention":  # "P2Y last-role-end delete" as the register says it
            from ..domain import words as policy_words
            period, after, then = (item.split() + ["", "", ""])[:3]
            said = policy_words.retention(_, {"period": period, "after": after, "then": then})
            return said or " ".join(in_words(part, language) for part in item.split())
        if key == "legal_basis" or (event is not None and event.event == "purpose-legal-basis-changed"):
            from ..domain import words as policy_words
            return policy_words.legal_basis(_, item)[0] or item
        return item

    def shower(event: Event | None):
        def show(key: str, value: Any) -> str:
            def one(item: Any) -> str:
                item = str(item)
                if key in PERSON_KEYS and item in names:
                    return f"{item} ({names[item]})"
                return label(key, item, event)
            return _joined(value, one)
        return show

    old, new = _sides(result)
    lines = [_("Changes from {old} to {new}: {summary}").format(old=old, new=new, summary=_summary(result))]
    for folder, records in _by_record(result.events):
        lines += ["", _(SECTIONS.get(folder, folder))]
        for path, events in records:
            record = events[0].record
            who = f"{record} ({names[record]})" if folder == "people" and record in names else record
            lines.append(f"  {who}  {path}")
            lines += [f"    - {sentence(event, shower(event))}" for event in events]
    if not result.events:
        lines += ["", _("No record changed.")]
    if result.layout_only:
        lines += ["", _("Files changed in layout or comments only, no data ({count}):").format(
            count=len(result.layout_only))]
        lines += [f"  {path}" for path in result.layout_only]
    return "\n".join(lines) + "\n"


def render_markdown(result: Diff, spec: str, limit: int = COMMENT_LIMIT) -> str:
    """For a pull-request comment: no names, no contact details, no free text.

    GitHub refuses a comment over 65,536 characters, and a pull request that imports
    thousands of people would exceed it: then each section lists only its first records,
    as many as fit, and says how many more there are."""
    for most in (None, 200, 50, 10, 0):
        body = _markdown(result, spec, most)
        if len(body) <= limit:
            break
    return body


def _markdown(result: Diff, spec: str, most: int | None) -> str:
    def show(key: str, value: Any) -> str:
        return _joined(value, code) if value != "" else ""

    old, new = _sides(result)
    counts = [f"{_(SECTIONS.get(folder, folder))} {len(records)}" for folder, records in _by_record(result.events)]
    new = code(new) if result.new.commit else new
    lines = [MARKER, "### " + _("What this change does: {summary}").format(summary=_summary(result)), "",
             _("From {old} to {new}.").format(old=code(old), new=new) + (
                 " " + " · ".join(counts) if counts else "")]
    policy = sum(1 for e in result.events if e.policy)
    if policy:
        lines += ["", "**" + _("{count} changes to the data-protection policy (purposes, processors): "
                              "please review them with care.").format(count=policy) + "**"]
    more = _("… and {count} more: run {command} to see them all")
    command = code(f"crmtool diff {spec}")
    for folder, records in _by_record(result.events):
        block = []
        for path, events in records[:most]:
            block.append(f"- {code(events[0].record)} · {code(path)}")
            for event in events:
                mark = "**" + _("policy") + ":** " if event.policy else ""
                block.append(f"  - {mark}{sentence(public(event, result.known), show)}")
        if most is not None and len(records) > most:
            block.append("- " + more.format(count=len(records) - most, command=command))
        title = _(SECTIONS.get(folder, folder))
        lines += ["", f"#### {title} ({len(records)})", ""]
        if len(records) > COLLAPSE_AFTER:
            lines += ["<details><summary>" + _("Show all {count} records").format(count=len(records))
                      + "</summary>", "", *block, "", "</details>"]
        else:
            lines += block
    if not result.events:
        lines += ["", _("No record changed.")]
    if result.layout_only:
        lines += ["", _("Files changed in layout or comments only, no data ({count}):").format(
            count=len(result.layout_only)), ""]
        paths = [f"- {code(path)}" for path in result.layout_only[:most]]
        if most is not None and len(result.layout_only) > most:
            paths.append("- " + more.format(count=len(result.layout_only) - most, command=command))
        lines += paths if len(paths) <= COLLAPSE_AFTER else [
            "<details><summary>" + _("Show all {count} records").format(count=len(paths)) + "</summary>", "",
            *paths, "", "</details>"]
    lines += ["", "---", "_" + _("Names, email addresses, phone numbers, addresses and notes are left out on purpose: "
                                 "this comment lives outside git, out of reach of {erase}. Run {command} in a "
                                 "clone to see names.").format(erase="`crmtool subject erase`", command=command) + "_"]
    return "\n".join(lines) + "\n"


def render_json(result: Diff) -> str:
    """A list of events for scripts, each with its sentence as Markdown would show it (no
    names). A value that is not what its field promises is null, and its key is listed in
    `withheld`."""
    def show(key: str, value: Any) -> str:
        return _joined(value, lambda v: _withheld_text() if v is WITHHELD else str(v))

    events = []
    for event in result.events:
        shown = public(event, result.known)
        data = dict(shown.as_dict(), text=sentence(shown, show))
        withheld = sorted(k for k, v in shown.values.items()
                          if v is WITHHELD or (isinstance(v, list) and WITHHELD in v))
        data["values"] = {k: ([None if i is WITHHELD else i for i in v] if isinstance(v, list) else
                              None if v is WITHHELD else v) for k, v in shown.values.items()}
        if withheld:
            data["withheld"] = withheld
        events.append(data)
    return json.dumps(events, ensure_ascii=False, indent=2) + "\n"

