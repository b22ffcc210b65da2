"""S007: a waiver names a known rule and a record, with a reason and an expiry date.

A waiver silences a finding the organisation has decided to live with for a while. Without a
reason nobody can later judge whether it still holds, and without an expiry date it silently
becomes permanent; a waiver for an unknown rule or a record that does not exist silences
nothing and hides a typo. Such a waiver does not apply.

Passing::

    waivers:
      - {rule: P009, record: events, reason: "Review moved to the January board meeting", expires: 2027-01-31}

Failing::

    waivers:
      - {rule: P009, record: events}
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.waivers import CONFIG_FILE, waivers_of
from .base import RepoContext, Rule

RULE = Rule("S007", "error", N_("A waiver names a known rule and a record, with a reason and an expiry date"),
            "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    from . import RULES  # the registry imports this module
    at = lambda *pointer, at_key=False: ctx.locator.position(CONFIG_FILE, ("waivers",) + pointer, at_key)  # noqa: E731
    for waiver in waivers_of(ctx.model.config):
        i = waiver.index
        if waiver.rule is not None and waiver.rule not in RULES:
            yield RULE.finding(CONFIG_FILE, at(i, "rule"),
                               _("The waiver names rule {rule}, which does not exist.").format(rule=waiver.rule),
                               _("Use a rule id from `crmtool rules`."))
        if waiver.record is not None and not _exists(ctx, waiver.record):
            yield RULE.finding(CONFIG_FILE, at(i, "record"),
                               _("The waiver names '{record}', which is neither a record id nor a record path.").format(
                                   record=waiver.record),
                               _("Write the id of the record (its file name without .yaml) or its path, "
                                 "e.g. records/people/p-7k2m9q.yaml."))
        if not waiver.reason.strip():
            yield RULE.finding(CONFIG_FILE, at(i, "reason") if "reason" in _item(ctx, i) else at(i),
                               _("The waiver gives no reason, so it does not apply."),
                               _("Add `reason:` saying why the finding is accepted and who decided it."))
        if waiver.expires is None:
            yield RULE.finding(CONFIG_FILE, at(i, "expires") if "expires" in _item(ctx, i) else at(i),
                               _("The waiver has no valid expiry date, so it does not apply."),
                               _("Add `expires: YYYY-MM-DD`, the last day the waiver holds."))


def _item(ctx: RepoContext, index: int) -> dict:
    item = (ctx.model.config.get("waivers") or [])[index]
    return item if isinstance(item, dict) else {}


def _exists(ctx: RepoContext, record: str) -> bool:
    record = record.strip("/")
    if any(f.path == record for f in ctx.files):
        return True
    path = PurePosixPath(record)
    return "/" not in record and path.suffix != ".yaml" and any(record in ids for ids in ctx.model.ids.values())
