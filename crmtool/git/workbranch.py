"""Writes from the staff workspace kept as commits on a work branch, and proposed for review.

The workspace (`crmtool serve`) writes a record in the working tree it reads, so every page
shows the change at once, and then keeps the write as a commit here. A kept write never lands
on the main branch: it is a commit on a *work branch*, reviewed as a pull request before it
reaches everyone (DESIGN.md, "The staff workspace"; docs/decisions.md, "Writes from the
workspace (issue 18)").

**The main branch** is, in this order: the branch `origin/HEAD` points to (the forge's
default branch, as a clone records it); else `main`, else `master`, when such a local branch
exists; else `init.defaultBranch` from git's configuration; else `master` (git's own default
when that is not set either).

**The work branch.** On any branch other than the main one, commits land on that branch: the
colleague chose it. On the main branch, `ensure_work_branch` switches the working tree to
`workspace/<staff id>` (`workspace/local` when no colleague is known) with `git switch`, so
the colleague's uncommitted edits travel along as they do for `git switch`; nothing is ever
stashed, reset or discarded. That branch is made from the current commit when it does not
exist; reused when it holds the current commit (it is at or ahead of where the colleague
stands: their earlier, unmerged work); moved forward to the current commit when it is behind
with nothing of its own (its commits were merged); and left alone when it has diverged (its
commits are not on the main branch and the main branch moved on: typically a pull request
merged by squashing), in which case the next free `workspace/<staff id>-2`, `-3`, ... is made
or reused by the same rule. Detached HEAD, a merge, rebase, cherry-pick, revert or bisect in
progress, a repository without a commit, or no git repository at all: `WorkBranchError`
with a message and a hint in the repository's language, and nothing is committed. Call
`ensure_work_branch` (or `keep`) before the write when possible: switching to an existing
work branch that differs from the current commit refuses when the written file differs too
(git's own "would be overwritten" rule), and the write then stays uncommitted in the tree.

**A commit** (`commit`) takes only the given paths, removals included, even when the index
holds other staged changes (`git commit --only`: those stay staged and uncommitted). Hooks
run, never skipped; a hook that refuses gives `WorkBranchError` with git's exit status and
the last lines of the hooks' output (git passes a refusing hook's output on, but not the
hook's own exit status: git itself then ends with 1), and the written files stay in the
working tree as they were. The message is the caller's, with ids only, and nothing is added
to it (rule P021). The author may be given (team use: the signed-in colleague's name and
email from records/staff/); the committer stays whoever git says.

**Proposing** (`propose`) pushes the work branch to `origin` when there is such a remote
(never forced), then opens a pull request with the GitHub CLI (`gh pr create`) when `gh` is
on PATH and signed in (`gh auth status` ends with 0) or a token is in the environment
(`GITHUB_TOKEN` or `GH_TOKEN`, which gh reads itself). Otherwise, or when a step is refused,
the value says what happened and exactly which commands are still to be run, in the order to
run them, from the repository's folder. `gh` runs as a plain `subprocess` with an argument
list (no shell), stdin closed, prompts off, its output captured and a time limit; every git
call goes through `run.py`. There is no HTTP client here: gh is the one way to the forge.

Values only: nothing here prints.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..load.repo import ID_PATTERN
from .run import GitError, checked, in_repository
from .run import run as git

PREFIX = "workspace/"
NO_STAFF = "local"  # the work branch's last part when no colleague is known
REMOTE = "origin"
BODY_FILE = "build/crmtool-pull-request.md"  # build/ is never committed (S009)
SHOWN_LINES = 12  # of a hook's, git's or gh's output, the last lines kept for the page
MAX_SUFFIX = 100  # workspace/<id>-2 ... -100: past that, something else is wrong
GH_TIMEOUT = 120  # seconds for `gh pr create`; `gh auth status` gets a quarter
IN_PROGRESS = (("MERGE_HEAD", "merge"), ("rebase-merge", "rebase"), ("rebase-apply", "rebase"),
               ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert"), ("BISECT_LOG", "bisect"))
"""A file or folder in the git directory while git is in the middle of an operation."""

OPENED, EXISTS, PUSHED, NO_REMOTE, REFUSED, FAILED = "opened", "exists", "pushed", "no-remote", "refused", "failed"
"""What `propose` achieved: a pull request opened; one already open for the branch (the push
updated it); pushed, the pull request still to open; no remote to push to; the push refused
because the remote branch has commits this one lacks; a step failed for another reason."""


class WorkBranchError(Exception):
    """A write cannot be kept as a commit, or a branch cannot be proposed: `message` says why
    and `hint` what to do, both in the repository's language; `status` is git's exit status
    and `output` the last lines of what git (or a hook) said, when git ran."""

    def __init__(self, message: str, hint: str = "", status: int | None = None, output: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.status = status
        self.output = output


@dataclass(frozen=True)
class Branch:
    name: str
    made: bool  # made by this call
    switched: bool  # the working tree was switched to it by this call (it was on the main branch)


@dataclass(frozen=True)
class Commit:
    hash: str
    subject: str
    author: str  # the author's name
    date: str  # the author date, ISO 8601 with its offset, as git wrote it


@dataclass(frozen=True)
class Kept:
    branch: Branch
    commit: str  # the new commit's full hash


@dataclass(frozen=True)
class Proposal:
    outcome: str  # OPENED, EXISTS, PUSHED, NO_REMOTE, REFUSED or FAILED
    branch: str
    message: str  # what happened, in the repository's language
    url: str | None = None  # the pull request's address, when gh gave one
    commands: tuple[tuple[str, ...], ...] = ()  # still to run, in order, in the repository's folder
    output: str = ""  # the last lines of git's or gh's output when a step failed

    @property
    def shown(self) -> list[str]:
        """The commands as one would type them in a shell, quoted where needed."""
        return [shlex.join(command) for command in self.commands]


def main_branch(root: Path) -> str | None:
    """The name of the repository's main branch (the rule is in the module's docstring), or
    None outside a git repository."""
    if not in_repository(root):
        return None
    pointed = (git(root, "symbolic-ref", "-q", "--short", f"refs/remotes/{REMOTE}/HEAD") or "").strip()
    if pointed.startswith(f"{REMOTE}/"):
        return pointed[len(REMOTE) + 1:]
    local = (git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads/main", "refs/heads/master")
             or "").split()
    for name in ("main", "master"):
        if name in local:
            return name
    return (git(root, "config", "init.defaultBranch") or "").strip() or "master"


def current_branch(root: Path) -> str | None:
    """The branch checked out in `root`'s working tree; None when HEAD is detached or outside
    a git repository."""
    name = git(root, "symbolic-ref", "-q", "--short", "HEAD")
    return (name.strip() or None) if name is not None else None


def ensure_work_branch(root: Path, staff_id: str | None) -> Branch:
    """The branch a write is committed on, switching the working tree to `workspace/<staff
    id>` when it is on the main branch (the rule is in the module's docstring).

    `WorkBranchError` when the repository is in no state to commit (see `ready`), or git
    refuses to switch (an uncommitted edit that the work branch would overwrite): then nothing
    has changed.
    """
    branch, main = ready(root)
    if branch != main:
        return Branch(branch, made=False, switched=False)
    if staff_id is not None and not ID_PATTERN.match(staff_id):
        raise ValueError(f"not a staff id: {staff_id!r}")
    base = PREFIX + (staff_id or NO_STAFF)
    for number in range(1, MAX_SUFFIX + 1):
        name = base if number == 1 else f"{base}-{number}"
        if git(root, "rev-parse", "--verify", "-q", f"refs/heads/{name}") is None:
            _switch(root, name, "--create", name)
            return Branch(name, made=True, switched=True)
        if _is_ancestor(root, "HEAD", f"refs/heads/{name}"):  # at or ahead of the current commit
            _switch(root, name, name)
            return Branch(name, made=False, switched=True)
        if _is_ancestor(root, f"refs/heads/{name}", "HEAD"):  # behind, nothing of its own: forward
            _git(root, "branch", "--force", name, "HEAD")
            _switch(root, name, name)
            return Branch(name, made=False, switched=True)
    raise WorkBranchError(_("There are too many work branches named {branch}-N to make another one.").format(
        branch=base), _("Delete the work branches that were merged, then save again."))


def commit(root: Path, paths: list[str], message: str, author: tuple[str, str] | None = None) -> str:
    """Commit exactly `paths` (relative to `root`; written, new or removed) on the current
    branch with `message`, and give the new commit's hash.

    Other staged changes stay staged and uncommitted (`git commit --only`); a new file is
    first made known to git with `git add --intent-to-add`, which stages no content. Paths are
    taken literally (no wildcards). Hooks run. `author` is (name, email) and becomes the
    commit's author through git's own GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL (`--author` falls
    back to searching the history for a matching author when a name does not parse as
    "Name <email>"); without it git's configuration decides, as for the committer.
    `WorkBranchError` when the current branch is the main branch, the repository is in no
    state to commit, nothing in `paths` changed, or git or a hook refused the commit; the
    working tree is then as it was.
    """
    if not paths or not message.strip():
        raise ValueError("a commit needs paths and a message")
    env: dict[str, str] = {}
    if author is not None:
        name, email = (part.strip() for part in author)
        if not name or not email or any(c in name + email for c in "<>\n\r\0"):
            raise ValueError("an author is a name and an email address")
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    branch, main = ready(root)
    if branch == main:
        raise WorkBranchError(
            _("The working tree is on the main branch ({branch}): a change from the workspace is only kept on a "
              "work branch.").format(branch=branch),
            _("Save again: the workspace switches to its work branch first."))
    specs = [f":(literal){path}" for path in paths]
    present = [spec for spec, path in zip(specs, paths) if os.path.lexists(root / path)]
    if present:  # a new file must be known to git for --only; a tracked one is left as it is
        _git(root, "add", "--intent-to-add", "--", *present)
    if not _git(root, "diff", "--name-only", "HEAD", "--", *specs).strip():
        raise WorkBranchError(_("Nothing changed in the files to keep, so no commit was made."))
    try:
        checked(root, "commit", "--quiet", "--only", "-m", message, "--", *specs, env=env)
    except GitError as error:
        raise WorkBranchError(
            _("The commit was refused (git ended with status {status}); the change is still in the working "
              "tree, not committed.").format(status=error.status),
            _("A hook of this repository refuses it, or git does: read its words below, put it right, and "
              "save again."), error.status, _last_lines(error.stderr)) from error
    return _git(root, "rev-parse", "HEAD").strip()


def keep(root: Path, staff_id: str | None, paths: list[str], message: str,
         author: tuple[str, str] | None = None) -> Kept:
    """`ensure_work_branch`, then `commit`: one write kept, and on which branch."""
    branch = ensure_work_branch(root, staff_id)
    return Kept(branch, commit(root, paths, message, author))


def unproposed(root: Path) -> list[Commit]:
    """The commits on the current branch that neither the main branch nor its remote-tracking
    branch holds, oldest first; none on the main branch itself, on a detached HEAD, or when
    the main branch is not there to compare with."""
    branch, main = current_branch(root), main_branch(root)
    bases = _main_refs(root, main) if main else []
    if branch is None or branch == main or not bases:
        return []
    output = git(root, "log", "--reverse", "--format=%H%x00%s%x00%an%x00%aI%x1e", "HEAD", "--not", *bases, "--")
    found = []
    for entry in (output or "").split("\x1e"):
        fields = entry.strip("\n").split("\x00")
        if len(fields) == 4:
            found.append(Commit(*fields))
    return found


def moved_on(root: Path) -> int:
    """How many commits the main branch, and its remote-tracking branch as of the last fetch,
    have that the current commit lacks (no fetch is made here: that is the network)."""
    main = main_branch(root)
    bases = _main_refs(root, main) if main else []
    if not bases:
        return 0
    count = git(root, "rev-list", "--count", *bases, "--not", "HEAD", "--")
    return int(count) if count and count.strip().isdigit() else 0


def propose(root: Path, title: str, body: str) -> Proposal:
    """Push the current work branch and open its pull request, or say what to run for it.

    `body` is the pull request's text (the Markdown of `crmtool diff MAIN --format
    markdown`, which the caller makes); it is written to `BODY_FILE` for `gh --body-file`, and
    stays there for a command still to be run. `WorkBranchError` on the main branch or when
    the repository is in no state to commit.
    """
    branch, main = ready(root)
    if branch == main:
        raise WorkBranchError(_("There is nothing to propose from the main branch ({branch}).").format(branch=branch),
                              _("Changes from the workspace are proposed from their work branch."))
    body_file = root / BODY_FILE
    body_file.parent.mkdir(parents=True, exist_ok=True)
    body_file.write_text(body, encoding="utf-8")
    push = ("git", "push", "-u", REMOTE, branch)
    create = ("gh", "pr", "create", "--title", title, "--body-file", BODY_FILE, "--head", branch)
    if git(root, "remote", "get-url", REMOTE) is None:
        return Proposal(NO_REMOTE, branch, _(
            "This repository has no remote named {remote} to push to. Add it (git remote add {remote} ADDRESS), "
            "then run these commands.").format(remote=REMOTE), commands=(push, create))
    try:  # messages in English, to tell a refusal by their words; GIT_TERMINAL_PROMPT: never wait for a password
        checked(root, "push", "-u", REMOTE, branch, env={"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
    except GitError as error:
        if "[rejected]" in error.stderr and ("non-fast-forward" in error.stderr or "fetch first" in error.stderr):
            return Proposal(REFUSED, branch, _(
                "The push was refused: {remote} has commits on {branch} that are not here. Nothing was "
                "overwritten; take them in first, then push again.").format(remote=REMOTE, branch=branch),
                commands=(("git", "pull", "--no-rebase", REMOTE, branch), push, create),
                output=_last_lines(error.stderr))
        return Proposal(FAILED, branch, _("The push to {remote} failed; the branch is kept here as it was.").format(
            remote=REMOTE), commands=(push, create), output=_last_lines(error.stderr))
    gh = shutil.which("gh")
    if gh is None or not _gh_signed_in(gh, root):
        return Proposal(PUSHED, branch, _(
            "The branch is pushed. The GitHub CLI (gh) is not available or not signed in here, so open the pull "
            "request with this command."), commands=(create,))
    return _create(gh, root, branch, create)


def ready(root: Path) -> tuple[str, str]:
    """(current branch, main branch) when the repository can take a commit from the
    workspace; `WorkBranchError` otherwise."""
    if not in_repository(root) or (git(root, "rev-parse", "--is-inside-work-tree") or "").strip() != "true":
        raise WorkBranchError(_("This folder is not in a git repository, so the change cannot be kept as a commit."),
                              _("Make it one (git init, or clone the repository) and start the workspace again."))
    git_dir = Path((git(root, "rev-parse", "--absolute-git-dir") or "").strip())
    for marker, operation in IN_PROGRESS:
        if (git_dir / marker).exists():
            raise WorkBranchError(_("git is in the middle of a {operation} here, so the change cannot be kept as a "
                                    "commit now.").format(operation=_operation(operation)),
                                  _("Finish or abort it in a terminal first (git status says how), then save "
                                    "again."))
    branch = current_branch(root)
    if branch is None:
        raise WorkBranchError(_("No branch is checked out (a detached HEAD), so the change cannot be kept as a "
                                "commit."),
                              _("Switch to a branch first (git switch BRANCH), then save again."))
    if git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        raise WorkBranchError(_("This repository has no commit yet, so there is no main branch to work beside."),
                              _("Make a first commit in a terminal, then save again."))
    main = main_branch(root)
    assert main is not None  # in a repository
    return branch, main


def _operation(operation: str) -> str:
    return {"merge": _("merge"), "rebase": _("rebase"), "cherry-pick": _("cherry-pick"), "revert": _("revert"),
            "bisect": _("bisect")}[operation]


def _main_refs(root: Path, main: str) -> list[str]:
    """The main branch and its remote-tracking branch, those that exist, as full ref names."""
    output = git(root, "for-each-ref", "--format=%(refname)", f"refs/heads/{main}", f"refs/remotes/{REMOTE}/{main}")
    return (output or "").split()


def _is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    return git(root, "merge-base", "--is-ancestor", ancestor, descendant) is not None


def _switch(root: Path, branch: str, *args: str) -> None:
    try:
        checked(root, "switch", "--quiet", *args)
    except GitError as error:
        raise WorkBranchError(
            _("git could not switch to the work branch {branch}; nothing was changed.").format(branch=branch),
            _("An edit in the working tree differs on that branch. Commit or undo it in a terminal, then save "
              "again."), error.status, _last_lines(error.stderr)) from error


def _git(root: Path, *args: str) -> str:
    """git's output, or `WorkBranchError` with git's words when git fails."""
    try:
        return checked(root, *args)
    except GitError as error:
        raise WorkBranchError(_("git failed ({command}).").format(command=f"git {error.command}"), "",
                              error.status, _last_lines(error.stderr)) from error


def _gh_signed_in(gh: str, root: Path) -> bool:
    if os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"):
        return True
    done = _run_gh([gh, "auth", "status"], root, GH_TIMEOUT // 4)
    return done is not None and done.returncode == 0


def _create(gh: str, root: Path, branch: str, create: tuple[str, ...]) -> Proposal:
    done = _run_gh([gh, *create[1:]], root, GH_TIMEOUT)
    output = "" if done is None else f"{done.stdout}\n{done.stderr}".strip()
    url = _last_url(output)
    if done is not None and done.returncode == 0:
        return Proposal(OPENED, branch, _("The pull request is open."), url=url)
    if done is not None and "already exists" in output:
        return Proposal(EXISTS, branch, _("A pull request for this branch is already open; the push brought it up "
                                          "to date."), url=url)
    return Proposal(FAILED, branch, _("The branch is pushed, but gh could not open the pull request; run this "
                                      "command to try again."), commands=(create,), output=_last_lines(output))


def _run_gh(argv: list[str], root: Path, timeout: int) -> subprocess.CompletedProcess[str] | None:
    """gh's result, or None when it could not be started or took too long."""
    env = {**os.environ, "GH_PROMPT_DISABLED": "1", "GH_NO_UPDATE_NOTIFIER": "1", "NO_COLOR": "1"}
    try:
        return subprocess.run(argv, cwd=root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", env=env, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _last_url(output: str) -> str | None:
    urls = re.findall(r"https?://\S+", output)
    return urls[-1] if urls else None


def _last_lines(output: str) -> str:
    return "\n".join(output.strip().splitlines()[-SHOWN_LINES:])
