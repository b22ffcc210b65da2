"""The review as text (for a terminal), Markdown (for an issue a scheduled job opens) and JSON.

Text shows people's names next to their ids, as staff read it. Markdown goes into the issue
tracker, which lives outside git and outside `crmtool subject erase`: it names records by id
and path only, never by a person's name. Both are read by people, so both say things in
words of the run's language: a purpose by its title, a team, a stage and a kind of request
by their labels, a period as "1 maand" rather than `P1M`. JSON keeps the codes in `values`
(for tools) and has the sentence in words in `text`.
"""
from __future__ import annotations

import datetime as dt
import json
from itertools import groupby

from .. import i18n
from ..domain.words import in_words
from ..i18n import _, ngettext
from ..load.model import Model
from ..domain.pipeline import pipeline_of
from ..domain.words import RETENTION_AFTER
from ..domain.review import KINDS, NO_OWNER, REQUEST_KINDS, Item
from ..domain.texts import full_name, labelled, localised


def item_sentence(item: Item, model: Model) -> str:
    """What is due, as a sentence in the run's language (terminal and workspace alike)."""
    return _(item.what).format(**shown(item, model))


def shown(item: Item, model: Model) -> dict:
    """An item's placeholders as a person reads them: labels and words instead of codes."""
    language = i18n.language()
    values = dict(item.values)
    for key, value in item.values.items():
        if key == "purpose":
            purpose = model.get("purposes", str(value))
            values[key] = (localised(purpose.get("title"), language) if purpose else None) or value
        elif key in ("period", "every"):
            values[key] = in_words(value, language)
        elif key == "after":
            values[key] = _(RETENTION_AFTER[value]) if value in RETENTION_AFTER else _("after {anchor}").format(
                anchor=value)
        elif key == "kind":
            values[key] = _(REQUEST_KINDS[value]) if value in REQUEST_KINDS else _("request ({kind})").format(
                kind=value)
        elif key == "stage":
            stage = pipeline_of(model.config).stages.get(str(value)) or {}
            values[key] = localised(stage.get("label"), language) or value
    return values


def team_label(owner: str, model: Model | None = None) -> str:
    """A team by its label in the teams vocabulary (its id when it has none)."""
    if owner == NO_OWNER:
        return _("no owner")
    team = (model.vocabulary("teams") or {}).get(owner) if model is not None else None
    label = localised(team.get("label"), i18n.language()) if team else None
    return label if label and label != owner else owner


def colleague_label(model: Model, staff: str) -> str:
    """A colleague's id with their name next to it."""
    member = model.get("staff", staff)
    name = member.get("name") if member else None
    return labelled(staff, name if isinstance(name, str) else None)


def due_words(item: Item, today: dt.date) -> str:
    """"due DAY" or "overdue since DAY"."""
    if item.due < today:
        return _("overdue since {day}").format(day=item.due.isoformat())
    return _("due {day}").format(day=item.due.isoformat())


def person_name(model: Model, record_id: str) -> str:
    person = model.get("people", record_id)
    return full_name(person.get("name")) if person else ""


def record_label(model: Model, item: Item) -> str:
    """What staff call the record: a person's name, a purpose's title, a processor's name."""
    folder = item.path.split("/")[1] if item.path.count("/") >= 2 else ""
    if folder == "people":
        return person_name(model, item.record)
    record = model.get(folder, item.record) if folder in ("purposes", "processors") else None
    if record is None:
        return ""
    label = localised(record.get("title" if folder == "purposes" else "name"), i18n.language()) or ""
    return "" if label == item.record else label


def render_text(items: list[Item], model: Model, today: dt.date, days: int) -> str:
    lines = [ngettext("Review on {today}: {count} item due by {horizon}.",
                      "Review on {today}: {count} items due by {horizon}.", len(items)).format(
        today=today.isoformat(), count=len(items), horizon=(today + dt.timedelta(days=days)).isoformat())]
    for owner, by_owner in groupby(items, key=lambda i: i.owner):
        lines += ["", _("Team {team}").format(team=team_label(owner, model))]
        for kind, by_kind in groupby(by_owner, key=lambda i: i.kind):
            lines.append(f"  {_(KINDS[kind])}")
            for item in by_kind:
                who = labelled(item.record, record_label(model, item))
                extra = f"; {_('assignee')}: {colleague_label(model, item.assignee)}" if item.assignee else ""
                lines.append(f"    - [{due_words(item, today)}] {who}: {item_sentence(item, model)}{extra}")
                lines.append(f"      {item.path}")
    if not items:
        lines.append(_("Nothing is due."))
    return "\n".join(lines) + "\n"


def render_markdown(items: list[Item], model: Model, today: dt.date, days: int) -> str:
    lines = ["# " + _("Data review {today}").format(today=today.isoformat()), "",
             ngettext("{count} item due by {horizon}, by team and kind. Generated by `crmtool review`.",
                      "{count} items due by {horizon}, by team and kind. Generated by `crmtool review`.",
                      len(items)).format(
                 count=len(items), horizon=(today + dt.timedelta(days=days)).isoformat())]
    for owner, by_owner in groupby(items, key=lambda i: i.owner):
        lines += ["", "## " + _("Team {team}").format(team=team_label(owner, model))]
        for kind, by_kind in groupby(by_owner, key=lambda i: i.kind):
            lines += ["", f"### {_(KINDS[kind])}", ""]
            for item in by_kind:
                extra = f" ({_('assignee')}: `{item.assignee}`)" if item.assignee else ""
                lines.append(f"- [ ] **{due_words(item, today)}** `{item.path}`: {item_sentence(item, model)}{extra}")
    if not items:
        lines += ["", _("Nothing is due.")]
    return "\n".join(lines) + "\n"


def render_json(items: list[Item], model: Model, today: dt.date, days: int) -> str:
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in KINDS}
    data = {"today": today.isoformat(), "days": days,
            "items": [dict(item.as_dict(today), text=item_sentence(item, model)) for item in items],
            "summary": {"items": len(items), "overdue": sum(1 for i in items if i.overdue(today)), "kinds": counts}}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
