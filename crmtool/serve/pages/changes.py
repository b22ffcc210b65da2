"""The changes page (issue 18, item 5): what the workspace kept and is not yet proposed, in
the words of `crmtool diff`, and "propose", which pushes the work branch and opens a pull
request (or says exactly what to run).

The words are `crmtool diff`'s own, comparing the commit where the work branch left the main
branch with the working tree (what is kept and what is still only written); the pull
request's body is the Markdown of the same diff, which never shows names, contact details or
notes. When the main branch moved on, the page says so: the branch is never rebased or merged
here, so a conflict is resolved in the pull request and no change is lost.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Callable

from ...audit.diff import diff
from ...audit.diff_words import render_markdown, render_text
from ...audit.history import GitFailed
from ...git import workbranch
from ...git.run import run as git
from ...i18n import _
from .. import writes

if TYPE_CHECKING:
    from ..app import Page


def _base(page: Page) -> str | None:
    """The commit where the work branch left the main branch (None without one)."""
    root = page.workspace.repo.root
    main = workbranch.main_branch(root)
    if main is None:
        return None
    found = git(root, "merge-base", main, "HEAD")
    return found.strip() if found else None


def _values(page: Page) -> dict:
    root = page.workspace.repo.root
    main, branch = workbranch.main_branch(root), workbranch.current_branch(root)
    values: dict[str, Any] = {"main": main, "branch": branch, "on_main": branch is not None and branch == main,
                              "commits": [], "moved_on": 0, "words": None, "proposal": None}
    base = _base(page)
    if main is None or branch is None or base is None:
        return values
    values["commits"] = [asdict(c) for c in workbranch.unproposed(root)]
    values["moved_on"] = workbranch.moved_on(root)
    try:
        values["words"] = render_text(diff(page.workspace.repo, base, page.today, with_names=True))
    except GitFailed as error:
        values["words_problem"] = str(error)
    return values


def changes(page: Page) -> tuple[str, dict]:
    """`/changes`: the commits not yet proposed and what they do."""
    return "changes.html", _values(page)


def propose(page: Page, form: writes.Form) -> Any:
    """POST `/changes/propose`: push the work branch and open its pull request."""
    root = page.workspace.repo.root
    base = _base(page)
    values = _values(page)
    if base is None or values["on_main"] or not values["commits"]:
        return "changes.html", {**values, "problem": _("There is nothing to propose: no change was kept on a work "
                                                       "branch yet.")}, 409
    body = render_markdown(diff(page.workspace.repo, base, page.today), base)
    title = _("Changes from the workspace ({branch})").format(branch=values["branch"])
    proposal = workbranch.propose(root, title, body)
    return "changes.html", {**values, "proposal": asdict(proposal)}


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [("/changes", changes)]
ACTIONS: list[tuple[str, Callable[["Page", writes.Form], Any]]] = [("/changes/propose", propose)]
