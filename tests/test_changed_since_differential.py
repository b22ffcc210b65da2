"""`check --changed-since` against the full check seen through the change.

For a change, the partial check must report exactly what the full check reports on the records
the change reaches (each computed here from the full model, not by `check/reach.py`): the
touched records and strays, the records they point to, and the records that point to a
touched or removed record. Dated errors outside the touched records are warnings. The
repositories are real git repositories: the shipped examples and a small demo, changed by
commits, staged and unstaged edits, untracked and ignored files, so every way the partial
check learns what changed (the base tree, the index, the work tree) is exercised.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from .conftest import TODAY, git
from crmtool.check.partial import run_changed
from crmtool.check.reach import references
from crmtool.check.run import run_check
from crmtool.demo import generate
from crmtool.load import load_schemas
from crmtool.load.repo import Repository, record_of
from crmtool.rules import RULES

LATER = dt.date(2032, 12, 1)
POLICY = {"purposes", "processors", "lists", "staff", "fields", "vocabularies"}
UNSEEN = {"Q005", "Q006"}
"""Probable duplicates: the partial check cannot see them against records it does not read
(docs/check.md); what it reports of them, the full check reports too."""


def key(finding):
    return (finding.path, finding.line, finding.column, finding.rule, finding.message, finding.severity)


def changed_paths(root: Path, base: str) -> tuple[set[str], set[str]]:
    """(touched, removed) under records/, straight from git: the work tree against `base`, and
    the untracked files."""
    touched, removed = set(), set()
    fields = git(root, "diff", "--name-status", "-z", "--no-renames", base, "--").split("\0")
    for status, path in zip(fields[0::2], fields[1::2]):
        if path.startswith("records/"):
            (removed if status == "D" else touched).add(path)
    touched |= {p for p in git(root, "ls-files", "-z", "--others", "--exclude-standard").split("\0")
                if p.startswith("records/")}
    return touched, removed


def expected(repo: Repository, today: dt.date, base: str) -> list[tuple]:
    """The full check's findings on what the change reaches, dated errors softened outside it."""
    full = run_check(repo, today, use_cache=False, keep_model=True)
    assert full.model is not None
    schemas = load_schemas(repo)
    touched, removed = changed_paths(repo.root, base)
    records = [r for folder in full.model.records for r in full.model.of(folder)]
    by_key = {(r.folder, r.id): r for r in records}
    seeds = {(r.folder, r.id) for r in records if r.path in touched}
    seeds |= {record_of(p) for p in removed}
    reached = set(touched)
    for record in records:
        pointed = {(folder, value) for _p, folder, value in references(record, schemas)}
        if record.path in touched:
            reached |= {by_key[k].path for k in pointed if k in by_key and k[0] not in POLICY}
        if record.folder not in POLICY and pointed & seeds:
            reached.add(record.path)
    wanted = []
    for finding in full.findings:
        if (finding.path not in reached and finding.path != "crmtool.yaml") or finding.rule in UNSEEN:
            continue
        if finding.severity == "error" and RULES[finding.rule].RULE.dated and finding.path not in touched:
            finding = finding.with_severity("warning")
        wanted.append(key(finding))
    return sorted(wanted)


def assert_same(repo: Repository, base: str = "HEAD", days=(TODAY, LATER)) -> list[tuple]:
    for today in days:
        partial = run_changed(repo, today, base, use_cache=False)
        got = sorted(key(f) for f in partial.findings if f.rule not in UNSEEN)
        assert got == expected(repo, today, base)
        unseen = {key(f)[:5] for f in partial.findings if f.rule in UNSEEN}
        assert unseen <= {key(f)[:5] for f in run_check(repo, today, use_cache=False).findings}
    return got


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


# --- the shipped examples -------------------------------------------------------------------

PERSON = "records/people/p-2n3qp7.yaml"
COMMITTEE = "records/organisations/vgn-commissie-milieu.yaml"


@pytest.fixture
def examples(example_git_repo: Repository) -> Repository:
    git(example_git_repo.root, "branch", "base")
    return example_git_repo


def test_examples_nothing_changed(examples):
    assert assert_same(examples, "base") == []


def test_examples_committed_edit_with_an_error(examples):
    edit(examples.root, PERSON, "owner: public-affairs", "owner: public-affairs\nshoe_size: 44")
    commit(examples.root, "An edit")
    assert any(k[0] == PERSON and k[3] == "S001" for k in assert_same(examples, "base"))


def test_examples_removed_organisation_with_roles(examples):
    git(examples.root, "rm", "-q", COMMITTEE)
    commit(examples.root, "Remove a committee")
    found = assert_same(examples, "base")
    assert any(k[3] == "R001" and k[0].startswith("records/roles/") for k in found)


def test_examples_renamed_person_staged(examples):
    git(examples.root, "mv", PERSON, "records/people/p-zz9zz9.yaml")
    found = assert_same(examples, "base")
    assert any(k[3] == "R001" for k in found)


def test_examples_new_file_stray_and_unstaged_edit(examples):
    root = examples.root
    (root / "records/people/p-new001.yaml").write_text(
        (root / PERSON).read_text(encoding="utf-8"), encoding="utf-8")  # a probable duplicate, untracked
    (root / "records/roles/notes.txt").write_text("not a record\n", encoding="utf-8")
    (root / "records/people/nested").mkdir()
    (root / "records/people/nested/p-abc123.yaml").write_text("name: {given: A}\n", encoding="utf-8")
    edit(root, "records/roles/r-lelystad-burgemeester-2026.yaml", "start:", "start: 2024-01-01\nold_start:")
    found = assert_same(examples, "base")
    assert {"S003"} <= {k[3] for k in found}


def test_examples_edit_reverted_in_the_work_tree(examples):
    """A commit since the base that the work tree undoes again: nothing changed."""
    root = examples.root
    text = (root / PERSON).read_text(encoding="utf-8")
    edit(root, PERSON, "owner: public-affairs", "owner: public-affairs\nshoe_size: 44")
    commit(root, "An edit")
    (root / PERSON).write_text(text, encoding="utf-8")
    assert assert_same(examples, "base") == []


def test_examples_ignored_record_still_counts_as_existing(examples):
    """A record file git ignores is no part of the change, but it exists: what points to it
    resolves, as in the full check."""
    root = examples.root
    (root / ".gitignore").write_text("build/\nrecords/people/p-ignored1.yaml\n", encoding="utf-8")
    shutil.copy(root / PERSON, root / "records/people/p-ignored1.yaml")
    commit(root, "Ignore one record")
    git(root, "branch", "-f", "base")
    role = "records/roles/r-lelystad-burgemeester-2026.yaml"
    text = (root / role).read_text(encoding="utf-8")
    person = next(line for line in text.splitlines() if line.startswith("person:"))
    edit(root, role, person, "person: p-ignored1")
    found = assert_same(examples, "base")
    assert not any(k[0] == role and k[3] == "R001" for k in found)


# --- a small demo -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_source(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "repo"
    generate(root, people=120, seed=3, today=TODAY)
    return root


@pytest.fixture
def demo(demo_source: Path, tmp_path: Path) -> Repository:
    """A fresh clone of the demo, as a CI job has it (packed objects, no build/)."""
    root = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", str(demo_source), str(root))
    git(root, "branch", "base")
    return Repository(root)


def files(root: Path, folder: str) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "records" / folder).rglob("*.yaml"))


def test_demo_free_text_edits_committed(demo):
    root = demo.root
    for path in files(root, "people")[:3] + files(root, "interactions")[:3]:
        edit(root, path, "owner:", "# looked at\nowner:")
    commit(root, "Edit a few records")
    assert_same(demo, "base")


def test_demo_removed_person_and_organisation(demo):
    root = demo.root
    roles = [(root / p).read_text(encoding="utf-8") for p in files(root, "roles")]
    person = next(line.split()[1] for text in roles for line in text.splitlines() if line.startswith("person:"))
    organisation = next(line.split()[1] for text in roles for line in text.splitlines()
                        if line.startswith("organisation:") and "college" in line)
    git(root, "rm", "-q", f"records/people/{person}.yaml", f"records/organisations/{organisation}.yaml")
    commit(root, "Remove a person and an organisation")
    found = assert_same(demo, "base")
    assert any(k[3] == "R001" for k in found)


def test_demo_duplicate_contact_moment_and_a_new_role(demo):
    root = demo.root
    moment = files(root, "interactions")[0]
    other = "2099"  # after the original: S006 is reported on the copy, which the change touched
    (root / "records/interactions" / other).mkdir(exist_ok=True)
    shutil.copy(root / moment, root / "records/interactions" / other / Path(moment).name)
    role = files(root, "roles")[0]
    shutil.copy(root / role, root / "records/roles/r-new-copy-2026.yaml")
    commit(root, "A copied contact moment and a copied role")
    edit(root, files(root, "people")[5], "owner:", "# unstaged\nowner:")
    # Today only: years later the two twins' retention differs by which of them the partial
    # model holds under the one id (S006 blocks such a change first).
    found = assert_same(demo, "base", days=(TODAY,))
    assert any(k[3] == "S006" and "/2099/" in k[0] for k in found)


def test_demo_every_reached_record_through_several_commits(demo):
    """Commits on top of commits, and a renamed role: the base is two commits back."""
    root = demo.root
    role = files(root, "roles")[3]
    git(root, "mv", role, role.replace(".yaml", "-x.yaml"))
    commit(root, "Rename a role")
    edit(root, files(root, "people")[7], "status:", "# second commit\nstatus:")
    commit(root, "Edit a person")
    assert_same(demo, "base")


# --- the lazy listing of --changed-since against the folder listing --------------------------

def awkward_tree(root: Path) -> None:
    """Records and everything around them the listing must judge: links, folders in flat
    folders, hidden files, other extensions, a linked folder, a pipe, duplicate nested ids."""
    import os
    for folder in ("people", "roles", "organisations", "interactions/2025", "interactions/2026", "purposes"):
        (root / "records" / folder).mkdir(parents=True, exist_ok=True)
    for path in ("people/p-aaaaaa.yaml", "people/.p-hidden.yaml", "people/p-x.y.yaml", "people/p-note.txt",
                 "roles/r-one.yaml", "organisations/o-one.yaml", "purposes/events.yaml",
                 "interactions/2025/i-one.yaml", "interactions/2026/i-one.yaml", "interactions/i-top.yaml",
                 "interactions/2026/i-two.yaml"):
        (root / "records" / path).write_text("x: 1\n", encoding="utf-8")
    (root / "records/people/sub").mkdir()
    (root / "records/people/sub/p-deep.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "records/people/p-dir.yaml").mkdir()
    os.symlink(root / "records/people/p-aaaaaa.yaml", root / "records/people/p-link.yaml")
    os.symlink(root / "records/people/p-nowhere.yaml", root / "records/roles/r-dangling.yaml")
    os.mkfifo(root / "records/roles/r-pipe.yaml")
    (root / "elsewhere").mkdir()
    (root / "elsewhere/o-linked.yaml").write_text("x: 1\n", encoding="utf-8")
    os.symlink(root / "elsewhere", root / "records/requests")


PROBES = ["p-aaaaaa", ".p-hidden", "p-x.y", "p-note", "p-note.txt", "sub/p-deep", "p-deep", "p-dir", "p-link",
          "r-one", "r-dangling", "r-pipe", "o-one", "o-linked", "i-one", "i-two", "i-top", "events", "",
          "P-AAAAAA", "../people/p-aaaaaa", "p-aaaaaa\0", "nope"]


@pytest.mark.parametrize("shape", ["awkward", "no records", "records a link"])
def test_the_lazy_listing_answers_as_the_folder_listing(tmp_path, shape):
    from crmtool.check.listing import LazyListing
    from crmtool.load.repo import FOLDERS, Listing
    root = tmp_path / "repo"
    root.mkdir()
    if shape == "awkward":
        awkward_tree(root)
    elif shape == "records a link":
        awkward_tree(tmp_path / "other")
        (root / "records").symlink_to(tmp_path / "other" / "records")
    listing, lazy = Listing(root), LazyListing(root)
    for folder in FOLDERS:
        for probe in PROBES:
            assert (probe in lazy.ids[folder]) == (probe in listing.ids[folder]), (folder, probe)
            assert lazy.file(folder, probe) == listing.file(folder, probe), (folder, probe)
            path = f"records/{folder}/{probe}.yaml"
            assert lazy.at(path) == listing.at(path), path
        for path in ("records/interactions/2025/i-one.yaml", "records/interactions/i-top.yaml",
                     "records/people/sub/p-deep.yaml", "records/people/p-x.y.yaml", "records/people"):
            assert lazy.at(path) == listing.at(path), path
    assert lazy.duplicates() == listing.duplicates()
    fresh = LazyListing(root)  # listed whole, never asked one by one first
    for folder in FOLDERS:
        assert set(fresh.ids[folder]) == listing.ids[folder]
        assert len(fresh.ids[folder]) == len(listing.ids[folder])
        assert sorted(lazy.ids[folder]) == sorted(listing.ids[folder])  # after the lookups too
        assert (set() | lazy.ids[folder]) == listing.ids[folder]


# --- the referrers foreseen from the commits ----------------------------------------------------

def counting_tree_searches(monkeypatch) -> list:
    """The searches of the base tree the check makes itself (not those foreseen)."""
    import crmtool.check.reach as reach
    calls: list = []
    search = reach.tree_referrers

    def counted(*args):
        calls.append(args[2])
        return search(*args)
    monkeypatch.setattr(reach, "tree_referrers", counted)
    return calls


def test_committed_changes_take_the_foreseen_search(demo, monkeypatch):
    """As in CI: the working tree is the last commit, so every folder's search was foreseen."""
    root = demo.root
    for path in files(root, "people")[:2] + files(root, "roles")[:2]:
        edit(root, path, "\n", "\n# looked at\n")
    commit(root, "Edit a few records")
    calls = counting_tree_searches(monkeypatch)
    assert_same(demo, "base", days=(TODAY,))
    assert calls == []


def test_an_uncommitted_change_searches_again_and_agrees(demo, monkeypatch):
    root = demo.root
    edit(root, files(root, "people")[1], "owner:", "# committed\nowner:")
    commit(root, "Edit a person")
    edit(root, files(root, "roles")[2], "\n", "\n# not yet committed\n")
    calls = counting_tree_searches(monkeypatch)
    assert_same(demo, "base", days=(TODAY,))
    assert calls  # the foreseen ids were not the change's


def test_a_foresight_for_other_ids_or_another_commit_is_not_taken(demo, monkeypatch):
    import crmtool.check.partial as partial
    from crmtool.check.foresee import Foresight
    root = demo.root
    edit(root, files(root, "people")[1], "owner:", "# committed\nowner:")
    commit(root, "Edit a person")
    bogus = {"roles": (frozenset({"p-nobody"}), {files(root, "roles")[0]}),
             "interactions": (frozenset(), set()), "requests": (frozenset({"x"}), None)}
    commit_id = git(root, "rev-parse", "base").strip()
    for foresight in (Foresight(commit_id, bogus), Foresight("0" * 40, bogus), None):
        monkeypatch.setattr(partial, "foresee", lambda repo, base, f=foresight: f)
        assert_same(demo, "base", days=(TODAY,))
