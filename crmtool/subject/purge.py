"""Removing an erased person from the git history (`subject erase --purge-history`).

An erasure commit removes the person from the current records, but every earlier commit
still holds their file, their roles, their name in other records, maybe a commit message
that names them, a build/ folder committed by mistake (the index and the check cache hold
everyone's data), a writer's backup file. Rewriting history is the maintained tool's job:
git-filter-repo (PyPI `git-filter-repo`, recommended by the git project itself over
`git filter-branch`), used as a library with callbacks (`purge_worker.py`, run as its own
process) so that the rewrite finds exactly what `identifiers.py` finds:

- files gone from every commit: the person's file, the file of every id the person was
  merged from (`records/people/ALIAS.yaml`), the roles they held, everything under `build/`
  and every backup or journal of the writers (`*.crmtool-old`, `*.crmtool-new`,
  `crmtool-change.json`), wherever they lie;
- in every other file, in every commit and annotated tag message, author, committer and
  tagger: the id and aliases, email addresses, phone numbers (as numbers), the name in any
  order and across line breaks become "[removed]";
- a path or ref name that holds an identifier (an id, the name, a word of the name) is
  renamed, the identifier becoming "removed"; a renamed record's id is replaced wherever
  another record refers to it, so references keep resolving.

The identifiers come from every version of the person's file in the history and of the
files of the ids they absorbed (a duplicate may have spelled the name or written the phone
number differently).

It refuses unless the erasure itself is committed and the work tree is clean: the rewrite
starts from the committed state, and uncommitted work would be lost by its final reset.
What the operator must do afterwards (force-push, re-clone, hosted caches) cannot be done
from here; `OPERATOR_STEPS` says it.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..i18n import N_, _
from ..git.run import GitError, checked, run
from ..load.repo import Repository
from ..domain import erasure_log
from .erase import Refused
from .identifiers import Identifiers, default_region

OPERATOR_STEPS = [
    N_("Force-push every branch and every tag: git push --force --all && git push --force --tags "
       "(git-filter-repo removed the remote 'origin'; add it again first)."),
    N_("Ask everyone with a clone to delete it and clone again; an old clone brings the data back with its next push."),
    N_("On the git host: purge cached views, pull-request refs and forks (ask the host's support to run a garbage "
       "collection and drop cached views of the old commits)."),
    N_("Purge CI caches and build artefacts that hold a checkout or the built register."),
    N_("Run crmtool subject verify-erased PERSON --history in a fresh clone to prove the history is clean."),
]
GENERATED = "build/"
WRITER_SUFFIXES = (".crmtool-old", ".crmtool-new")
WRITER_NAMES = ("crmtool-change.json", ".crmtool-change.json", "crmtool-change.lock")
"""Generated files and the writers' backups and journal (`load/atomic.py`, in the record's folder
in older versions, under build/ now): never meant for git, often full of personal data."""
RENAMED = "removed"


@dataclass
class Purged:
    person: str
    removed_paths: list[str] = field(default_factory=list)
    expressions: int = 0  # kept for --format json readers: how many identifiers were searched for
    steps: list[str] = field(default_factory=list)
    generated: int = 0  # paths under build/ and writer backups removed
    renamed: dict[str, str] = field(default_factory=dict)


def generated(path: str) -> bool:
    """A path that is never a record: under build/, or a writer's backup or journal."""
    name = path.rsplit("/", 1)[-1]
    return path.startswith(GENERATED) or name.endswith(WRITER_SUFFIXES) or name in WRITER_NAMES


def purge_history(repo: Repository, person_id: str) -> Purged:
    """Rewrite every commit without the person (see the module docstring). Refused (exit 1)
    when the erasure is not committed or the work tree is not clean."""
    from ..index.build import repository_config
    root = repo.root
    person_path = f"records/people/{person_id}.yaml"
    commit_first = _("commit the erasure, then run with --purge-history")
    if _git(root, "status", "--porcelain").strip():
        raise Refused(_("the work tree has uncommitted changes; {advice}").format(advice=commit_first))
    if (root / person_path).exists() or run(root, "cat-file", "-e", f"HEAD:{person_path}") is not None:
        raise Refused(_("{person} is not erased in the last commit; {advice}").format(
            person=person_id, advice=commit_first))
    head_log = run(root, "show", f"HEAD:{erasure_log.LOG_FILE}")
    if head_log is None or erasure_log.read(root).find(person_id) is None:
        raise Refused(_("{log} in the last commit has no entry for {person}; {advice}").format(
            log=erasure_log.LOG_FILE, person=person_id, advice=commit_first))
    worker = _filter_repo()
    region = default_region(repository_config(repo))
    blobs = _blobs_by_path(root)
    versions = [_yaml(root, sha) for sha, path in blobs if path == person_path]
    if not versions:
        raise Refused(_("{path} is in no commit: there is nothing to purge").format(path=person_path))
    people = {person_id}
    aliases = {a for data in versions for a in data.get("aliases") or [] if isinstance(a, str)}
    people |= aliases
    identifiers = [Identifiers.of(person_id, data, region) for data in versions]
    for alias in sorted(aliases):  # the duplicates' own files: their spelling of the name, their numbers
        identifiers += [Identifiers.of(alias, _yaml(root, sha), region) for sha, path in blobs
                        if path == f"records/people/{alias}.yaml"]
    ids = Identifiers.union(identifiers)
    current = set(_git(root, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    removed = {f"records/people/{p}.yaml" for p in people}
    for sha, path in blobs:
        if path.startswith("records/roles/") and path not in current and _yaml(root, sha).get("person") in ids.ids:
            removed.add(path)
    all_paths = _all_paths(root)
    dropped = sorted(p for p in all_paths if generated(p))
    renamed: dict[str, str] = {}
    for path in sorted(all_paths - removed - set(dropped)):
        spans = ids.path_spans(path)
        if spans:
            renamed[path] = _renamed(path, spans)
    stems = {}
    for old, new in renamed.items():
        old_stem, new_stem = Path(old).stem, Path(new).stem
        if old.startswith("records/") and old_stem != new_stem:
            stems[old_stem] = new_stem
    plan = {"identifiers": asdict(ids), "remove": sorted(removed), "renamed": renamed, "stems": stems,
            "marker_path": RENAMED}
    outcome = Purged(person_id, sorted(removed), len(ids.ids) + len(ids.emails) + len(ids.names) + len(ids.phones),
                     [_(step) for step in OPERATOR_STEPS], len(dropped), renamed)
    # Not git: our own Python runs the worker, which drives git-filter-repo as a library.
    result = subprocess.run([*worker, "-m", "crmtool.subject.purge_worker"], cwd=root, input=json.dumps(plan),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(_("git-filter-repo failed (exit {code}): {error}").format(
            code=result.returncode, error=(result.stderr or result.stdout).strip()[-500:]))
    return outcome


def _renamed(path: str, spans: list[tuple[int, int, str]]) -> str:
    """`path` with every identifier in it replaced by "removed"."""
    merged: list[list[int]] = []
    for start, end, _kind in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        path = path[:start] + RENAMED + path[end:]
    return path


def _filter_repo() -> list[str]:
    """The Python that runs the worker: ours, when git-filter-repo is importable."""
    if importlib.util.find_spec("git_filter_repo") is not None:
        return [sys.executable]
    raise Refused(_("git-filter-repo is not installed; install it (pip install git-filter-repo) and run again"))


def _blobs_by_path(root: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in _git(root, "rev-list", "--all", "--objects").splitlines():
        sha, _sep, path = line.partition(" ")
        if path.startswith(("records/people/", "records/roles/")) and path.endswith(".yaml"):
            pairs.append((sha, path))
    return pairs


def _all_paths(root: Path) -> set[str]:
    """Every path of every commit (merges against each parent, renames as two paths)."""
    output = _git(root, "-c", "core.quotePath=false", "log", "--all", "-m", "--no-renames", "--name-only", "--format=")
    return {line for line in output.splitlines() if line}


def _yaml(root: Path, sha: str) -> dict:
    try:
        data = YAML(typ="safe").load(_git(root, "cat-file", "-p", sha))
    except YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _git(root: Path, *args: str) -> str:
    try:
        return checked(root, *args)
    except GitError as error:
        raise Refused(_("git {command} failed: {error}").format(command=error.command, error=error.stderr)) from error
