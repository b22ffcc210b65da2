"""Writes kept as commits on a work branch, and proposed: real git in tmp_path, a bare `origin`
beside it, and a fake `gh` script where the GitHub CLI is needed (no test touches the network)."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from crmtool.git import workbranch as wb
from crmtool.git.workbranch import (BODY_FILE, EXISTS, FAILED, NO_REMOTE, OPENED, PUSHED, REFUSED, WorkBranchError,
                                    commit, current_branch, ensure_work_branch, keep, main_branch, moved_on, propose,
                                    unproposed)
from crmtool.i18n import speaking

PERSON = "records/people/p-a.yaml"
OTHER = "records/people/p-b.yaml"
BRANCH = "workspace/anna"
AUTHOR = ("Anna Staff", "anna@example.invalid")


def git(root: Path, *args: str) -> str:
    """git as the tests run it themselves (the code under test runs it through crmtool/git/run.py)."""
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def commit_on(root: Path, branch: str, message: str) -> str:
    """A commit added to `branch` without touching the working tree (the main branch moving on)."""
    tree = git(root, "rev-parse", f"{branch}^{{tree}}").strip()
    made = git(root, "commit-tree", tree, "-p", branch, "-m", message).strip()
    git(root, "update-ref", f"refs/heads/{branch}", made)
    return made


@pytest.fixture(autouse=True)
def own_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An identity and no configuration from the machine (a global hooks path, signing, a
    default branch name) that could change what git does here."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Committer\n\temail = committer@example.invalid\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_DIR", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return bare


@pytest.fixture
def repo(tmp_path: Path, origin: Path) -> Path:
    """Two people on `main`, pushed to the bare `origin`."""
    root = tmp_path / "repo"
    (root / "records" / "people").mkdir(parents=True)
    (root / PERSON).write_text("name: {given: A, family: B}\n", encoding="utf-8")
    (root / OTHER).write_text("name: {given: C, family: D}\n", encoding="utf-8")
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Two people")
    git(root, "remote", "add", "origin", str(origin))
    git(root, "push", "-q", "-u", "origin", "main")
    return root


def no_gh_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    folders = [f for f in os.environ["PATH"].split(os.pathsep) if f and not (Path(f) / "gh").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    assert shutil.which("gh") is None and shutil.which("git") is not None


def fake_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signed_in: bool = True,
            create: str = 'echo "https://github.example/org/records/pull/7"') -> Path:
    """A `gh` first on PATH that records each call's folder and arguments, one per line, and
    answers `auth status` with 0 (or 1) and `pr create` by running `create`."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    log = tmp_path / "gh-calls.log"
    script = folder / "gh"
    script.write_text(f"""#!/bin/sh
{{ echo "call in $(pwd)"; for arg in "$@"; do echo "$arg"; done; }} >> "{log}"
if [ "$1" = auth ]; then exit {0 if signed_in else 1}; fi
{create}
""", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def gh_calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    calls: list[list[str]] = []
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.startswith("call in "):
            calls.append([line])
        else:
            calls[-1].append(line)
    return calls


def hook(root: Path, name: str, body: str) -> None:
    path = root / ".git" / "hooks" / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)


def changed_in(root: Path, revision: str) -> list[str]:
    return git(root, "show", "--format=", "--name-status", revision).splitlines()


# --- which branch -------------------------------------------------------------------------


def test_main_branch_rule(repo: Path, tmp_path: Path, own_git_config: Path) -> None:
    assert main_branch(repo) == "main" and current_branch(repo) == "main"
    git(repo, "branch", "-m", "main", "master")
    assert main_branch(repo) == "master"
    git(repo, "branch", "-m", "master", "trunk")
    assert main_branch(repo) == "master"  # git's own default: nothing names one
    own_git_config.write_text(own_git_config.read_text() + "[init]\n\tdefaultBranch = trunk\n")
    assert main_branch(repo) == "trunk"
    git(repo, "branch", "main")  # a local main exists: it wins over the configured default
    assert main_branch(repo) == "main"
    git(repo, "push", "-q", "origin", "trunk")
    git(repo, "fetch", "-q", "origin")
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert main_branch(repo) == "trunk"  # the forge's default, as the clone records it
    outside = tmp_path / "outside"
    outside.mkdir()
    assert main_branch(outside) is None and current_branch(outside) is None


def test_first_write_on_main_switches_and_commits_only_that_path(repo: Path) -> None:
    main_before = git(repo, "rev-parse", "main")
    (repo / OTHER).write_text("name: {given: C, family: E}\n", encoding="utf-8")
    git(repo, "add", OTHER)  # the colleague's own staged change
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")  # the workspace's write

    kept = keep(repo, "anna", [PERSON], "Edit p-a")

    assert (kept.branch.name, kept.branch.made, kept.branch.switched) == (BRANCH, True, True)
    assert current_branch(repo) == BRANCH and git(repo, "rev-parse", "HEAD").strip() == kept.commit
    assert changed_in(repo, "HEAD") == [f"M\t{PERSON}"]
    assert git(repo, "log", "-1", "--format=%B").strip() == "Edit p-a"  # nothing added to the message
    assert git(repo, "diff", "--cached", "--name-only").split() == [OTHER]  # still staged, not committed
    assert (repo / OTHER).read_text(encoding="utf-8") == "name: {given: C, family: E}\n"
    assert git(repo, "rev-parse", "main") == main_before  # never on the main branch
    assert git(repo, "status", "--porcelain").splitlines() == [f"M  {OTHER}"]


def test_a_removal_a_new_file_and_a_second_commit_on_the_same_branch(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    first = keep(repo, "anna", [PERSON], "Edit p-a")
    (repo / OTHER).unlink()
    new = "records/people/p-c.yaml"
    (repo / new).write_text("name: {given: E, family: F}\n", encoding="utf-8")

    second = keep(repo, "anna", [OTHER, new], "Merge p-b into p-c")

    assert (second.branch.name, second.branch.made, second.branch.switched) == (BRANCH, False, False)
    assert git(repo, "rev-parse", "HEAD~1").strip() == first.commit
    assert sorted(changed_in(repo, second.commit)) == [f"A\t{new}", f"D\t{OTHER}"]
    assert git(repo, "status", "--porcelain") == ""
    assert [(c.hash, c.subject) for c in unproposed(repo)] == [(first.commit, "Edit p-a"),
                                                              (second.commit, "Merge p-b into p-c")]


def test_paths_are_taken_literally(repo: Path) -> None:
    ensure_work_branch(repo, "anna")
    (repo / "records" / "people" / "p-*.yaml").write_text("x: 1\n", encoding="utf-8")
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    commit(repo, ["records/people/p-*.yaml"], "A file with a star")
    assert changed_in(repo, "HEAD") == ["A\trecords/people/p-*.yaml"]  # not p-a.yaml, which the star matches
    assert git(repo, "status", "--porcelain").splitlines() == [f" M {PERSON}"]


def test_author_from_the_argument_committer_from_git(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    keep(repo, "anna", [PERSON], "Edit p-a", author=AUTHOR)
    assert git(repo, "log", "-1", "--format=%an|%ae|%cn|%ce").strip() == \
        "Anna Staff|anna@example.invalid|Committer|committer@example.invalid"
    [listed] = unproposed(repo)
    assert listed.author == "Anna Staff" and listed.date.startswith("20")


def test_without_an_author_git_decides(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    kept = keep(repo, None, [PERSON], "Edit p-a")
    assert kept.branch.name == "workspace/local"
    assert git(repo, "log", "-1", "--format=%an|%cn").strip() == "Committer|Committer"


# --- hooks --------------------------------------------------------------------------------


def test_a_refusing_hook_keeps_the_write_in_the_working_tree(repo: Path) -> None:
    ensure_work_branch(repo, "anna")
    head = git(repo, "rev-parse", "HEAD")
    hook(repo, "pre-commit", "echo 'first line of the hook'\necho 'p-a.yaml: refused by policy' >&2\nexit 1\n")
    written = "name: {given: A, family: X}\n"
    (repo / PERSON).write_text(written, encoding="utf-8")
    new = "records/people/p-c.yaml"
    (repo / new).write_text("name: {given: E, family: F}\n", encoding="utf-8")

    with pytest.raises(WorkBranchError) as raised:
        commit(repo, [PERSON, new], "Edit p-a")

    assert raised.value.status == 1  # git's status: git does not pass the hook's own on
    assert raised.value.output.splitlines() == ["first line of the hook", "p-a.yaml: refused by policy"]
    assert "1" in raised.value.message and raised.value.hint
    assert git(repo, "rev-parse", "HEAD") == head  # no commit made
    assert (repo / PERSON).read_text(encoding="utf-8") == written  # the write is still there
    assert (repo / new).exists()
    assert git(repo, "diff", "--cached", "--name-only") == ""  # and nothing of it was staged
    hook(repo, "pre-commit", "exit 0\n")
    commit(repo, [PERSON, new], "Edit p-a")  # put right, saved again
    assert git(repo, "status", "--porcelain") == ""


def test_hooks_run_and_see_only_the_commit(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "hook-ran"
    hook(repo, "pre-commit", f"git diff --cached --name-only > '{marker}'\n")
    hook(repo, "commit-msg", f"echo \"message: $(cat \"$1\")\" >> '{marker}'\n")
    (repo / OTHER).write_text("name: {given: C, family: E}\n", encoding="utf-8")
    git(repo, "add", OTHER)
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    keep(repo, "anna", [PERSON], "Edit p-a")
    assert marker.read_text(encoding="utf-8").splitlines() == [PERSON, "message: Edit p-a"]


# --- refusals -----------------------------------------------------------------------------


def test_detached_head_is_refused(repo: Path) -> None:
    git(repo, "switch", "-q", "--detach", "HEAD")
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    for attempt in (lambda: ensure_work_branch(repo, "anna"), lambda: commit(repo, [PERSON], "Edit p-a"),
                    lambda: propose(repo, "Changes", "body")):
        with pytest.raises(WorkBranchError) as raised:
            attempt()
        assert "detached" in raised.value.message and "git switch" in raised.value.hint
    assert git(repo, "branch", "--list", "workspace/*") == ""
    assert git(repo, "status", "--porcelain").splitlines() == [f" M {PERSON}"]
    assert not (repo / BODY_FILE).exists()


def test_refusals_speak_the_repositorys_language(repo: Path) -> None:
    git(repo, "switch", "-q", "--detach", "HEAD")
    with speaking("nl"), pytest.raises(WorkBranchError) as raised:
        ensure_work_branch(repo, "anna")
    assert raised.value.message.startswith("Er is geen branch")


def test_a_merge_in_progress_is_refused(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "other")
    (repo / PERSON).write_text("name: {given: A, family: Other}\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Other")
    git(repo, "switch", "-q", "main")
    (repo / PERSON).write_text("name: {given: A, family: Main}\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Main")
    assert subprocess.run(["git", "-C", str(repo), "merge", "-q", "other"], capture_output=True).returncode != 0
    with pytest.raises(WorkBranchError) as raised:
        ensure_work_branch(repo, "anna")
    assert "merge" in raised.value.message
    assert current_branch(repo) == "main"


def test_outside_git_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    (folder / "records").mkdir(parents=True)
    with pytest.raises(WorkBranchError) as raised:
        ensure_work_branch(folder, "anna")
    assert "not in a git repository" in raised.value.message


def test_commit_refuses_the_main_branch_and_nothing_changed(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    with pytest.raises(WorkBranchError) as raised:
        commit(repo, [PERSON], "Edit p-a")
    assert "main branch (main)" in raised.value.message
    assert git(repo, "rev-list", "--count", "main").strip() == "1"
    ensure_work_branch(repo, "anna")
    with pytest.raises(WorkBranchError):
        commit(repo, [OTHER], "Edit p-b")  # unchanged
    with pytest.raises(ValueError):
        commit(repo, [PERSON], "Edit p-a", author=("Anna <x>", "anna@example.invalid"))


# --- reusing the work branch --------------------------------------------------------------


def test_the_work_branch_is_reused_moved_forward_or_left_alone(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    first = keep(repo, "anna", [PERSON], "Edit p-a").commit

    git(repo, "switch", "-q", "main")  # back on main before it was merged: the work continues there
    (repo / OTHER).write_text("name: {given: C, family: E}\n", encoding="utf-8")  # an uncommitted edit
    again = ensure_work_branch(repo, "anna")
    assert (again.name, again.made, again.switched) == (BRANCH, False, True)
    assert git(repo, "rev-parse", "HEAD").strip() == first
    assert git(repo, "status", "--porcelain").splitlines() == [f" M {OTHER}"]  # it travelled along
    git(repo, "checkout", "-q", "--", OTHER)

    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge the work branch", BRANCH)  # merged: behind main now
    merged = git(repo, "rev-parse", "main").strip()
    forward = ensure_work_branch(repo, "anna")
    assert (forward.name, forward.made) == (BRANCH, False)
    assert git(repo, "rev-parse", BRANCH).strip() == merged

    (repo / PERSON).write_text("name: {given: A, family: Y}\n", encoding="utf-8")
    keep(repo, "anna", [PERSON], "Edit p-a again")  # work of its own on the branch
    git(repo, "switch", "-q", "main")
    commit_on(repo, "main", "Squashed elsewhere")  # and main moved on: the two have diverged
    diverged = git(repo, "rev-parse", BRANCH)
    fresh = ensure_work_branch(repo, "anna")
    assert (fresh.name, fresh.made) == ("workspace/anna-2", True)
    assert git(repo, "rev-parse", BRANCH) == diverged  # left alone


def test_a_switch_git_refuses_changes_nothing(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    keep(repo, "anna", [PERSON], "Edit p-a")
    git(repo, "switch", "-q", "main")
    (repo / PERSON).write_text("name: {given: A, family: Z}\n", encoding="utf-8")  # differs on the work branch
    with pytest.raises(WorkBranchError) as raised:
        ensure_work_branch(repo, "anna")
    assert PERSON in raised.value.output and raised.value.status
    assert current_branch(repo) == "main"
    assert (repo / PERSON).read_text(encoding="utf-8") == "name: {given: A, family: Z}\n"


# --- what is not proposed, and whether main moved on ----------------------------------------


def test_unproposed_and_moved_on(repo: Path, tmp_path: Path, origin: Path) -> None:
    assert unproposed(repo) == [] and moved_on(repo) == 0
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    one = keep(repo, "anna", [PERSON], "Edit p-a", author=AUTHOR).commit
    (repo / OTHER).write_text("name: {given: C, family: E}\n", encoding="utf-8")
    two = keep(repo, "anna", [OTHER], "Edit p-b").commit
    assert [(c.hash, c.subject, c.author) for c in unproposed(repo)] == [
        (one, "Edit p-a", "Anna Staff"), (two, "Edit p-b", "Committer")]
    assert moved_on(repo) == 0

    commit_on(repo, "main", "A colleague's change merged")
    assert moved_on(repo) == 1
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(origin), str(other))
    (other / "README.md").write_text("readme\n", encoding="utf-8")
    git(other, "add", "README.md")
    git(other, "commit", "-q", "-m", "Readme")
    git(other, "push", "-q", "origin", "main")
    git(repo, "fetch", "-q", "origin")
    assert moved_on(repo) == 2  # one on the local main, one on origin/main
    assert len(unproposed(repo)) == 2


def test_a_commit_on_origins_main_is_proposed_already(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    one = keep(repo, "anna", [PERSON], "Edit p-a").commit
    (repo / OTHER).write_text("name: {given: C, family: E}\n", encoding="utf-8")
    two = keep(repo, "anna", [OTHER], "Edit p-b").commit
    git(repo, "push", "-q", "origin", f"{one}:refs/heads/main")  # merged on the forge, local main not pulled
    git(repo, "fetch", "-q", "origin")
    assert [c.hash for c in unproposed(repo)] == [two]
    assert moved_on(repo) == 0


# --- propose ------------------------------------------------------------------------------


def two_commits(repo: Path) -> None:
    (repo / PERSON).write_text("name: {given: A, family: X}\n", encoding="utf-8")
    keep(repo, "anna", [PERSON], "Edit p-a")
    (repo / OTHER).write_text("name: {given: C, family: E}\n", encoding="utf-8")
    keep(repo, "anna", [OTHER], "Edit p-b")


def test_propose_without_gh_pushes_and_says_what_to_run(repo: Path, origin: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    two_commits(repo)
    no_gh_on_path(monkeypatch)
    proposal = propose(repo, "Changes from the workspace", "## Changes\n\n- p-a: name changed\n")
    assert proposal.outcome == PUSHED and proposal.url is None
    assert proposal.commands == (("gh", "pr", "create", "--title", "Changes from the workspace", "--body-file",
                                  BODY_FILE, "--head", BRANCH),)
    assert proposal.shown == [f"gh pr create --title 'Changes from the workspace' --body-file {BODY_FILE} "
                              f"--head {BRANCH}"]
    assert (repo / BODY_FILE).read_text(encoding="utf-8") == "## Changes\n\n- p-a: name changed\n"
    assert git(origin, "rev-parse", BRANCH) == git(repo, "rev-parse", "HEAD")
    assert git(repo, "rev-parse", "--abbrev-ref", "@{upstream}").strip() == f"origin/{BRANCH}"
    assert git(repo, "status", "--porcelain") == ""  # the body file is in ignored build/


def test_propose_opens_the_pull_request_with_gh(repo: Path, origin: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    two_commits(repo)
    log = fake_gh(tmp_path, monkeypatch)
    proposal = propose(repo, "Changes from the workspace", "## Changes\n")
    assert proposal.outcome == OPENED and proposal.commands == ()
    assert proposal.url == "https://github.example/org/records/pull/7"
    assert gh_calls(log) == [
        [f"call in {repo}", "auth", "status"],
        [f"call in {repo}", "pr", "create", "--title", "Changes from the workspace", "--body-file", BODY_FILE,
         "--head", BRANCH]]
    assert git(origin, "rev-parse", BRANCH) == git(repo, "rev-parse", "HEAD")  # pushed before


def test_gh_not_signed_in_but_a_token(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_commits(repo)
    log = fake_gh(tmp_path, monkeypatch, signed_in=False)
    assert propose(repo, "Changes", "body").outcome == PUSHED
    assert [call[1:3] for call in gh_calls(log)] == [["auth", "status"]]  # asked, never told to create
    monkeypatch.setenv("GITHUB_TOKEN", "test-token-not-real")
    proposal = propose(repo, "Changes", "body")
    assert proposal.outcome == OPENED
    assert [call[1:3] for call in gh_calls(log)] == [["auth", "status"], ["pr", "create"]]


@pytest.mark.parametrize("answer, outcome, url, output", [
    ('echo "a pull request for branch \\"x\\" into branch \\"main\\" already exists:" >&2\n'
     'echo "https://github.example/org/records/pull/3" >&2\nexit 1',
     EXISTS, "https://github.example/org/records/pull/3", ""),
    ('echo "GraphQL: something broke" >&2\nexit 1', FAILED, None, "GraphQL: something broke"),
])
def test_gh_finding_an_open_pull_request_or_failing(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    answer: str, outcome: str, url: str | None, output: str) -> None:
    two_commits(repo)
    fake_gh(tmp_path, monkeypatch, create=answer)
    proposal = propose(repo, "Changes", "body")
    assert (proposal.outcome, proposal.url, proposal.output) == (outcome, url, output)
    assert [command[:3] for command in proposal.commands] == ([("gh", "pr", "create")] if outcome == FAILED else [])


def test_propose_without_origin_gives_every_command(repo: Path, origin: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    two_commits(repo)
    git(repo, "remote", "remove", "origin")
    log = fake_gh(tmp_path, monkeypatch)  # even with gh at hand: there is nowhere to push
    proposal = propose(repo, "Changes", "body")
    assert proposal.outcome == NO_REMOTE and "git remote add origin" in proposal.message
    assert proposal.commands == (("git", "push", "-u", "origin", BRANCH),
                                 ("gh", "pr", "create", "--title", "Changes", "--body-file", BODY_FILE,
                                  "--head", BRANCH))
    assert gh_calls(log) == []
    assert git(origin, "branch", "--list", BRANCH) == ""


def test_a_refused_push_is_never_forced(repo: Path, origin: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    two_commits(repo)
    no_gh_on_path(monkeypatch)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(origin), str(other))
    git(other, "switch", "-q", "-c", BRANCH)
    (other / "README.md").write_text("readme\n", encoding="utf-8")
    git(other, "add", "README.md")
    git(other, "commit", "-q", "-m", "Readme on the work branch")
    git(other, "push", "-q", "origin", BRANCH)
    theirs = git(origin, "rev-parse", BRANCH)

    proposal = propose(repo, "Changes", "body")

    assert proposal.outcome == REFUSED and "rejected" in proposal.output
    assert proposal.commands[0] == ("git", "pull", "--no-rebase", "origin", BRANCH)
    assert proposal.commands[1] == ("git", "push", "-u", "origin", BRANCH)
    assert git(origin, "rev-parse", BRANCH) == theirs  # nothing overwritten


def test_propose_refuses_the_main_branch(repo: Path) -> None:
    with pytest.raises(WorkBranchError):
        propose(repo, "Changes", "body")
    assert wb.current_branch(repo) == "main"
