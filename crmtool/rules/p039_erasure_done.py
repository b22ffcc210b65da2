"""P039: a granted erasure request means the person is gone.

Art. 17(1) and 5(2): once an erasure request is granted, the person's data is erased, and the
controller can show it. `crmtool subject erase --request` removes the person's file, takes
their id out of the request (`from.person`) and writes an entry to the erasure log
(`erasure-log.yaml`) in one change. So a request of kind `erasure` with decision `granted`
that still names a person (`from.person`) whose file is in records/people/ was granted on
paper only, unless the erasure log holds an entry for that id (the person came back later,
e.g. subscribed again, and is a new relation). Reported at `from.person`. A `partly-granted`
erasure keeps part of the data by definition and is not judged.

Passing::

    kind: erasure
    outcome: {date: 2026-11-25, decision: granted}
    # no from.person: erased with crmtool subject erase --request

Failing::

    kind: erasure
    from: {person: p-aaaaaa}          # p-aaaaaa.yaml is still in records/people/
    outcome: {date: 2026-11-25, decision: granted}
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..domain import erasure_log
from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import UsageError
from .base import RepoContext, Rule

RULE = Rule("P039", "error", N_("A granted erasure request means the person is gone or in the erasure log"),
            "repository", "Art. 17(1), 5(2)")


def inputs(root: Path, config: dict) -> dict[str, bytes]:
    """The erasure log, which this rule reads besides the records (see rules.inputs)."""
    try:
        return {erasure_log.LOG_FILE: (root / erasure_log.LOG_FILE).read_bytes()}
    except OSError:
        return {erasure_log.LOG_FILE: b""}


def check(ctx: RepoContext) -> Iterator[Finding]:
    log = None
    for request in ctx.model.of("requests"):
        outcome = request.get("outcome")
        asker = request.get("from")
        if (request.get("kind") != "erasure" or not isinstance(outcome, dict) or outcome.get("decision") != "granted"
                or not isinstance(asker, dict) or not isinstance(asker.get("person"), str)):
            continue
        person = ctx.model.get("people", asker["person"])
        if person is None:
            continue
        if log is None:
            try:
                log = erasure_log.read(ctx.locator.root)
            except UsageError:  # an unreadable log proves nothing; `subject verify-erased` reports it
                log = erasure_log.ErasureLog("")
        hashes = {entry.get("id_hash") for entry in log.entries}
        if log.exists and log.hash(person.id) in hashes:
            continue
        yield RULE.finding(
            request.path, ctx.at(request, ("from", "person")),
            _("This erasure request was granted, but the person {person} is still in records/people/ and not in "
              "the erasure log.").format(person=person.id),
            _("Carry out the erasure with `crmtool subject erase {person} --request {request} --by STAFF`, or "
              "correct the outcome if the request was not (fully) granted.").format(
                person=person.id, request=request.id))
