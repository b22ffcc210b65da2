"""P001: a person must hold a purpose label in force.

Purpose limitation (Art. 5(1)(b)) and lawfulness (Art. 6(1)) mean that personal data is held
only for a stated purpose. In this CRM the purpose labels under `purposes:` are that statement:
a person in records/people/ needs at least one label in force today. A label is in force when
it holds today (`since` on or before today, `until` missing or today or later), and also when
it ended (`until` passed) but the retention period of its purpose still runs: the data may be
kept until then (see `retention.labels_in_force`).

The rule reports a person with no `purposes` at all (on the whole file; an empty list on the
`purposes` key), and a person whose labels all ended with their retention over, or all start
later, or some of each (on the `purposes` key). A label that names an unknown purpose still
counts as a label here (P002 reports the purpose), and a `purposes` value that is not a list,
or that holds malformed items, is left to S001.

Passing::

    purposes:
      - {purpose: office-holders, since: 2022-06-01}

Failing::

    purposes:   # ended; the purpose keeps data one month after consent was withdrawn
      - {purpose: newsletter, since: 2021-03-01, until: 2025-01-31}
    consents:
      - {purpose: newsletter, given: 2021-03-01, withdrawn: 2025-01-31}
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from ..domain.policy import labels
from ..domain.retention import labels_in_force
from .base import RepoContext, Rule

RULE = Rule("P001", "error", N_("A person must hold a purpose label in force"), "repository",
            "Art. 5(1)(b), 6(1)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        yield from _check_person(ctx, person)



def _readable(person: Record) -> bool:
    """Whether `purposes` and `consents` are lists, as the policy helpers read them (S001 reports
    any other shape)."""
    return all(isinstance(person.get(key) or [], list) for key in ("purposes", "consents"))

def _check_person(ctx: RepoContext, person: Record) -> Iterator[Finding]:
    if not _readable(person):
        return  # S001
    items = person.get("purposes") or []
    found = labels(person)
    if len(found) != len(items):
        return  # a malformed label: S001 reports it, and it may well be the one in force
    if labels_in_force(ctx.model, person, ctx.today):
        return
    erase = _("Add a purpose label under 'purposes:' if the person is still held for a purpose; "
              "otherwise erase the person (crmtool subject erase {id}).").format(id=person.id)
    if not found:
        pointer = ("purposes",) if "purposes" in person.data else ()
        yield RULE.finding(person.path, ctx.at(person, pointer, at_key=True),
                           _("This person has no purpose label: no reason is recorded for holding their data."),
                           erase)
        return
    future = sorted(label.since for label in found if label.since is not None and label.since > ctx.today)
    ended = sorted(label.until for label in found if label.until is not None and label.until < ctx.today)
    if future and not ended:
        message = _("No purpose label of this person holds yet: the first one starts on {day}.").format(
            day=future[0].isoformat())
        hint = _("Correct 'since' if the purpose already holds today; otherwise add the person to the "
                 "records only from that day.")
    elif ended and not future:
        message = _("Every purpose label of this person has ended (the last on {day}) and no retention "
                    "period allows keeping the data any longer.").format(day=ended[-1].isoformat())
        hint = erase
    else:
        message = _("No purpose label of this person is in force today: the last one ended on {ended} and "
                    "the next starts on {start}.").format(ended=ended[-1].isoformat() if ended else "-",
                                                           start=future[0].isoformat() if future else "-")
        hint = erase
    yield RULE.finding(person.path, ctx.at(person, ("purposes",), at_key=True), message, hint)
