"""S011: everything under `records/` is a regular file or a real folder.

A symbolic link, a named pipe (FIFO), a device, a socket, or a folder named like a record
file is never followed or opened: a link could point outside the repository (at
`/etc/passwd`, or at a person's file on someone's disk) and its content would then be
checked, indexed and exported as if it were a record; a named pipe would make every command
wait forever. The finding names the path only, never the link's target or what it holds.

Passing: ``records/people/p-7k2m9q.yaml``, a regular file

Failing: ``records/people/p-7k2m9q.yaml -> /etc/passwd`` (a link), a named pipe
``records/people/p-7k2m9q.yaml``, a folder ``records/people/p-7k2m9q.yaml/``
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import SPECIAL
from .base import RepoContext, Rule

RULE = Rule("S011", "error", N_("Everything under records/ is a regular file or a folder, never a link or a pipe"),
            "repository", "contract")

_MESSAGES = {
    "symlink": (N_("'{path}' is a symbolic link; links are not followed."),
                N_("Replace the link by the file itself (copy the record into the repository), or remove it.")),
    "fifo": (N_("'{path}' is a named pipe, not a file; it is not read."),
             N_("Remove it, and write the record as an ordinary file.")),
    "device": (N_("'{path}' is a device, not a file; it is not read."),
               N_("Remove it, and write the record as an ordinary file.")),
    "socket": (N_("'{path}' is a socket, not a file; it is not read."),
               N_("Remove it, and write the record as an ordinary file.")),
    "directory": (N_("'{path}' is a folder, but its name is that of a record file."),
                  N_("Records are files: rename or remove the folder.")),
    "other": (N_("'{path}' is not a regular file; it is not read."),
              N_("Remove it, and write the record as an ordinary file.")),
}
assert set(_MESSAGES) == set(SPECIAL)


def finding(path: str, kind: str) -> Finding:
    """The finding for `path`, which is a `kind` (one of repo.SPECIAL) instead of a file;
    also what a reader reports when a file turned into one after the folder was listed."""
    message, hint = _MESSAGES.get(kind, _MESSAGES["other"])
    return RULE.finding(path, (1, 1), _(message).format(path=path), _(hint))


def check(ctx: RepoContext) -> Iterator[Finding]:
    for stray in ctx.strays:
        if stray.reason in SPECIAL:
            yield finding(stray.path, stray.reason)
