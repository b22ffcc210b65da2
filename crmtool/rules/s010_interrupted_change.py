"""S010: a change of the records was interrupted and is neither finished nor rolled back.

Commands that change several records at once (`subject erase`, `merge`, `end-role`, `fmt`,
`import --apply`, ...) write them as one change (crmtool/load/atomic.py): a journal in
`build/crmtool-change.json` names every file, and backups of the old files wait in
`build/crmtool-change/`. A crash, a `kill -9` or a power cut in the middle leaves the
journal behind, and with it a repository in which some files are new and others old: a
half-erased person, a merge whose duplicate is gone but whose references still point to it.
Every other rule may find nothing wrong with such a mix, so this error says it out loud
until `crmtool recover` rolls the change back (every file as before) or `crmtool recover
--finish` completes it. The next command that writes records rolls it back as well.

A change that is still running (its process holds the lock `build/crmtool-change.lock`) is
not reported: it is not interrupted. The finding names the journal, not the records, and
says how many files the change touches; the journal itself names files, never their content.

Passing: no `build/crmtool-change.json` (or one whose command is still running).

Failing::

    # build/crmtool-change.json, left by a `crmtool subject erase` that was killed
    {"version": 2, "phase": "committing", "entries": [{"path": "records/people/p-bbbbbb.yaml", ...}]}
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..load import atomic
from ..findings import Finding
from ..i18n import N_
from .base import RepoContext, Rule

RULE = Rule("S010", "error", N_("An interrupted change must be finished or rolled back"), "repository", "contract")


def inputs(root: Path, config: dict) -> dict[str, bytes]:
    """The journal (see rules.inputs), and whether its change is still running: both decide
    the finding, so the check cache must not answer from a state before either changed."""
    try:
        content = (root / atomic.JOURNAL).read_bytes()
    except OSError:
        return {atomic.JOURNAL: b""}
    return {atomic.JOURNAL: content + (b"\0running" if atomic.interrupted(root) is None else b"")}


def check(ctx: RepoContext) -> Iterator[Finding]:
    found = atomic.interrupted(ctx.locator.root)
    if found is not None:
        message, hint = atomic.describe(found)
        yield RULE.finding(atomic.JOURNAL, (1, 1), message, hint)
