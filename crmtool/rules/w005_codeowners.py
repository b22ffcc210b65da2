"""W005: `.github/CODEOWNERS` asks the team that owns a record to review changes to it.

A record's `owner` says which team maintains it; GitHub asks for reviews from the owners that
`.github/CODEOWNERS` names, so the two must agree, or person data changes without the team
that answers for it ever seeing the change. The file is written by `crmtool codeowners`; this
rule notices when someone forgot to run it.

Reported, as a warning (the records are valid; the review routing is stale):

- on a record, at its `owner` (in a full check, for up to 20 records; more are one finding
  on the file, since a team's changed handle would otherwise warn on all its records), \
when the generated block of `.github/CODEOWNERS` gives the
  file to other reviewers than its owner team's (the team's `github` handle in the `teams`
  vocabulary, else its active colleagues' GitHub names); this is what a pull request that
  adds a record or changes its owner meets;
- on `.github/CODEOWNERS`, when a full check finds the block different from what
  `crmtool codeowners` would write for another reason (a record removed, a team's handle
  changed), at the first line that differs; or when the file has no generated block.

Silent when the repository has no `.github/CODEOWNERS` (it may not live on GitHub). Lines
outside the generated block are the organisation's own and are not judged. A record without
an owner is not reported on its own: no team asked to review it.

Passing (records/vocabularies/teams.yaml: `{id: privacy, github: "@vgn/privacy"}`)::

    # .github/CODEOWNERS
    /records/purposes/ @vgn/privacy
    # records/purposes/newsletter.yaml
    owner: privacy

Failing::

    # .github/CODEOWNERS
    /records/purposes/ @vgn/communications
    # records/purposes/newsletter.yaml
    owner: privacy
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..domain.codeowners import PATH, Assignment, plan, read, record_owner, split, team_owners
from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W005", "warning", N_("CODEOWNERS must ask each record's owner team for reviews"),
            "repository", "workflow")
MAX_PER_RECORD = 20
"""More wrong records than this in a full check are one finding on the file: a team's handle
that changed would otherwise give a warning on every record of the team."""


def inputs(root: Path, config: dict) -> dict[str, bytes]:
    """The file this rule reads besides the records (see rules.inputs)."""
    try:
        return {PATH: (root / PATH).read_bytes()}
    except OSError:
        return {PATH: b""}


def check(ctx: RepoContext) -> Iterator[Finding]:
    text = read(ctx.locator.root)
    if text is None:
        return
    before, block, _after = split(text)
    hint = _("Run `crmtool codeowners` and commit .github/CODEOWNERS with this change.")
    if block is None:
        if ctx.base is None:
            yield RULE.finding(PATH, (1, 1), _("{path} has no block written by `crmtool codeowners`, so no "
                                               "record's owner team is asked to review it.").format(path=PATH), hint)
        return
    assigned = Assignment.parse(block)
    handles = team_owners(ctx.model)
    wrong = []
    for folder in sorted(ctx.model.records):
        for record in sorted(ctx.model.of(folder), key=lambda r: r.path):
            team = record_owner(record.data)
            if team is not None and set(handles.get(team, ())) != set(assigned.owners(record.path)):
                wrong.append((record, team))
    if wrong and (ctx.base is not None or len(wrong) <= MAX_PER_RECORD):
        for record, team in wrong:
            yield RULE.finding(
                record.path, ctx.at(record, ("owner",)),
                _("{path} asks {given} to review this record, but its owner is team '{team}' ({wanted}).").format(
                    path=PATH, given=" ".join(assigned.owners(record.path)) or _("nobody"), team=team,
                    wanted=" ".join(handles.get(team, ())) or _("no GitHub handle")),
                hint)
    elif wrong:
        yield RULE.finding(PATH, (len(before) + 1, 1), _(
            "{path} asks other reviewers than their owner team for {count} records, such as {example}.").format(
                path=PATH, count=len(wrong), example=wrong[0][0].path), hint)
    elif ctx.base is None:
        expected = plan(ctx.model).block()
        if expected != block:
            line = len(before) + next((i for i, (a, b) in enumerate(zip(expected, block)) if a != b),
                                      min(len(expected), len(block))) + 1
            yield RULE.finding(PATH, (line, 1), _("{path} is out of date: it differs from what "
                                                  "`crmtool codeowners` writes for the records.").format(path=PATH),
                               hint)
