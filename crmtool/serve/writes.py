"""The write side of the workspace: a form's POST, checked, carried out and kept.

Every write comes in as a form that POSTs (never a GET: a link cannot change a record), and
carries two hidden fields besides its own: `csrf`, which proves the form came from this
server's own page for this colleague (a page elsewhere cannot read it), and, for a form about
one record, `version`: the git hash of the record file as the form showed it. When the file
changed since (another tab, an editor, a pull), the write is refused with "changed since you
opened it" and the form comes back with what was typed in it: nothing is lost, and nothing
the colleague did not see is overwritten.

The write itself is done by the same core as the command line's (`edit/`, `subject/`), which
checks the changed text with the check's rules before anything is written and changes every
file or none. What it wrote is then kept as a commit on the work branch (`git/workbranch.py`),
with a message that names ids and never a person, and the workspace is told which files
changed, so the next page shows them even before the watcher does.
"""
from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from ..git import workbranch
from ..edit.save import version
from ..i18n import N_
from ..load.repo import Repository

if TYPE_CHECKING:
    from .app import Page
    from .workspace import Workspace

CSRF_FIELD = "csrf"
VERSION_FIELD = "version"
MAX_FORM_BYTES = 2 * 1024 * 1024
"""A form larger than this is refused before it is read (an upload of a CSV or vCard file for
import is the largest thing a form carries)."""

WRITING = threading.Lock()
"""One write at a time in this server: a write and its commit are one step."""

DONE = {
    "note": N_("The note was added."),
    "tags": N_("The tags were changed."),
    "stage": N_("The request moved to its new stage."),
    "assign": N_("The request was handed over."),
    "end-role": N_("The roles were ended."),
    "saved": N_("The changes were saved."),
    "created": N_("The record was made."),
    "erased": N_("The person was erased."),
    "proposed": N_("The changes were proposed for review."),
    "imported": N_("The people were imported."),
}
"""What the page says after a write (`?done=KEY`): fixed sentences, so no value someone typed
ever travels in an address."""


def csrf_token(secret: str, colleague: str | None) -> str:
    """The form token of this server and this colleague: a page on another site cannot read
    it (the cookie is SameSite=Strict and the pages are never framed), and a colleague behind
    the team sign-in cannot use another's."""
    message = b"crmtool serve csrf\0" + (colleague or "").encode("utf-8")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def csrf_matches(secret: str, colleague: str | None, given: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), csrf_token(secret, colleague).encode())


@dataclass
class Form:
    """A submitted form: its fields in order (a name may repeat: the tags of a tag form), and
    its uploaded files by field name."""

    items: list[tuple[str, str]] = field(default_factory=list)
    files: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        for key, value in reversed(self.items):
            if key == name:
                return value.strip()
        return default

    def all(self, name: str) -> list[str]:
        return [value.strip() for key, value in self.items if key == name and value.strip()]


@dataclass
class Done:
    """A write that was kept: where the browser goes next, which sentence of `DONE` it shows
    there, the files written and the commit that keeps them."""

    location: str
    message: str
    paths: list[str]
    subject: str = ""
    """The commit's subject: what was done, with ids only (rule P021: never a name)."""
    commit: str | None = None


class Stale(Exception):
    """The record changed since the form showed it; nothing was written."""


def check_version(repo: Repository, path: str, form: Form) -> None:
    """Stale when the form's `version` is not the file's hash now (`edit.save.version`)."""
    if form.get(VERSION_FIELD) != version(repo, path):
        raise Stale(path)


def written(paths: Iterable[str]) -> list[str]:
    """Paths relative to the root, each once, in order."""
    return list(dict.fromkeys(paths))


class NotKept(Exception):
    """The write cannot be kept as a commit (no git repository, a detached HEAD, a merge in
    progress): refused before anything is written."""


def prepare(workspace: Workspace, colleague: str | None) -> None:
    """Make sure a write can be kept: on the main branch, switch to the colleague's work
    branch first (`git/workbranch.py`). NotKept, before anything is written, when it cannot."""
    try:
        workbranch.ensure_work_branch(workspace.repo.root, colleague)
    except workbranch.WorkBranchError as error:
        raise NotKept(str(error)) from error


def keep(page: Page, done: Done) -> Done:
    """Keep what a core wrote as one commit on the work branch, authored by the colleague
    behind the team sign-in (on one's own machine: git's own settings), and tell the
    workspace which files changed. When the commit is refused (a hook), the files stay
    written in the working tree and the card says so: no change is lost."""
    workspace = page.workspace
    paths = written(done.paths)
    workspace.saw(set(paths))
    author = page.author
    try:
        done.commit = workbranch.commit(workspace.repo.root, paths, f"Workspace: {done.subject}", author)
    except workbranch.WorkBranchError as error:
        raise NotKept(str(error)) from error
    return done
