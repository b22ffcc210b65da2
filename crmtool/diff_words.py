"""The words of `crmtool diff`: one sentence per event, and the three outputs.

Text is for the user's own terminal and shows a person's name next to the id. Markdown is
for a pull-request comment, which lives outside git and out of reach of
`crmtool subject erase` (the same reasoning as the review's Markdown): ids, paths,
functions, organisations, purposes and dates only, every value in a code span so no record
can inject markup, mentions or links, and a footer that says what is left out. JSON is for
scripts and carries what Markdown carries. Nothing here prints.
"""
from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from .diff import Diff
from .diff_events import PERSON_KEYS, SETTINGS, Event
from .i18n import N_, _

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
        values["change"] = _(_CHANGES.get(values.get("change"), "changed"))
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
    """For a terminal: names next to person ids."""
    names = result.names

    def show(key: str, value: Any) -> str:
        def one(item: Any) -> str:
            item = str(item)
            return f"{item} ({names[item]})" if key in PERSON_KEYS and item in names else item
        return _joined(value, one)

    old, new = _sides(result)
    lines = [_("Changes from {old} to {new}: {summary}").format(old=old, new=new, summary=_summary(result))]
    for folder, records in _by_record(result.events):
        lines += ["", _(SECTIONS.get(folder, folder))]
        for path, events in records:
            record = events[0].record
            who = f"{record} ({names[record]})" if folder == "people" and record in names else record
            lines.append(f"  {who}  {path}")
            lines += [f"    - {sentence(event, show)}" for event in events]
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
                block.append(f"  - {mark}{sentence(_public(event), show)}")
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
    """A list of events for scripts, each with its sentence as Markdown would show it (no names)."""
    def show(key: str, value: Any) -> str:
        return _joined(value, str)
    events = [dict(event.as_dict(), text=sentence(_public(event), show)) for event in result.events]
    return json.dumps(events, ensure_ascii=False, indent=2) + "\n"


def _public(event: Event) -> Event:
    return Event(event.folder, event.record, event.path, event.event, event.fields, event.values,
                 event.old_path, event.policy)

