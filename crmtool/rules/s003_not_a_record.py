"""S003: everything under `records/` is a record file in a record folder.

A `.yml` or `.json` file or an unknown folder would otherwise be skipped in silence, and the
data in it never checked. (A folder named `x.yaml`, a link or a pipe is S011's.)

Passing: ``records/people/p-7k2m9q.yaml``

Failing: ``records/people/p-7k2m9q.yml``, ``records/persons/``
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import FOLDERS, NESTED, SPECIAL
from .base import RepoContext, Rule

RULE = Rule("S003", "error", N_("Only record files belong under records/"), "repository", "contract")

_MESSAGES = {
    "extension": (N_("'{path}' is not read: record files end in .yaml."),
                  N_("Rename it to .yaml if it is a record (.yml is not read), or move it out of records/.")),
    "folder": (N_("'{path}' is not a record folder."),
               N_("The record folders are: {folders}.")),
    "loose": (N_("'{path}' lies directly in records/, outside the record folders."),
              N_("Move it into the folder of its type: {folders}.")),
    "nested": (N_("'{path}' is a sub-folder, which only {nested} may have."),
               N_("Move its files up into the record folder.")),
}


def check(ctx: RepoContext) -> Iterator[Finding]:
    for stray in ctx.strays:
        if stray.reason in SPECIAL:
            continue  # not a regular file: S011
        message, hint = _MESSAGES[stray.reason]
        words = {"path": stray.path, "folders": ", ".join(FOLDERS), "nested": ", ".join(sorted(NESTED))}
        yield RULE.finding(stray.path, (1, 1), _(message).format(**words), _(hint).format(**words))
