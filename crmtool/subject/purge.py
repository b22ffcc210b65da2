"""Removing an erased person from the git history (`subject erase --purge-history`).

An erasure commit removes the person from the current records, but every earlier commit
still holds their file, their roles and their name in other records. Rewriting history is
the maintained tool's job: git-filter-repo (PyPI `git-filter-repo`, recommended by the git
project itself over `git filter-branch`). This module only prepares its arguments: the paths
of the person's file and of the deleted role files (`--invert-paths --path ...`, gone from
every commit) and an expressions file that replaces the id, email addresses and name in
every other blob (`--replace-text`).

It refuses unless the erasure itself is committed and the work tree is clean: the rewrite
starts from the committed state, and uncommitted work would be lost by its final reset.
What the operator must do afterwards (force-push, re-clone, hosted caches) cannot be done
from here; `OPERATOR_STEPS` says it.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..i18n import N_, _
from ..repo import Repository
from ..texts import full_name
from . import erasure_log
from .erase import Refused
from .identifiers import REMOVED, Identifiers

OPERATOR_STEPS = [
    N_("Force-push every branch and every tag: git push --force --all && git push --force --tags "
       "(git-filter-repo removed the remote 'origin'; add it again first)."),
    N_("Ask everyone with a clone to delete it and clone again; an old clone brings the data back with its next push."),
    N_("On the git host: purge cached views, pull-request refs and forks (ask the host's support to run a garbage "
       "collection and drop cached views of the old commits)."),
    N_("Purge CI caches and build artefacts that hold a checkout or the built register."),
    N_("Run crmtool subject verify-erased PERSON --history in a fresh clone to prove the history is clean."),
]


@dataclass
class Purged:
    person: str
    removed_paths: list[str] = field(default_factory=list)
    expressions: int = 0
    steps: list[str] = field(default_factory=list)


def purge_history(repo: Repository, person_id: str) -> Purged:
    """Rewrite every commit without the person (see the module docstring). Refused (exit 1)
    when the erasure is not committed or the work tree is not clean."""
    root = repo.root
    person_path = f"records/people/{person_id}.yaml"
    commit_first = _("commit the erasure, then run with --purge-history")
    if _git(root, "status", "--porcelain").strip():
        raise Refused(_("the work tree has uncommitted changes; {advice}").format(advice=commit_first))
    if (root / person_path).exists() or _git_ok(root, "cat-file", "-e", f"HEAD:{person_path}"):
        raise Refused(_("{person} is not erased in the last commit; {advice}").format(person=person_id, advice=commit_first))
    head_log = _git_ok(root, "show", f"HEAD:{erasure_log.LOG_FILE}")
    if head_log is None or erasure_log.read(root).find(person_id) is None:
        raise Refused(_("{log} in the last commit has no entry for {person}; {advice}").format(
            log=erasure_log.LOG_FILE, person=person_id, advice=commit_first))
    tool = _filter_repo()
    blobs = _blobs_by_path(root)
    versions = [_yaml(root, sha) for sha, path in blobs if path == person_path]
    if not versions:
        raise Refused(_("{path} is in no commit: there is nothing to purge").format(path=person_path))
    identifiers = [Identifiers.of(person_id, data) for data in versions]
    current = set(_git(root, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    removed = {person_path}
    for sha, path in blobs:
        if path.startswith("records/roles/") and path not in current and _yaml(root, sha).get("person") in {
                i for ids in identifiers for i in ids.ids}:
            removed.add(path)
    lines = sorted(_expressions(identifiers, versions))
    outcome = Purged(person_id, sorted(removed), len(lines), [_(step) for step in OPERATOR_STEPS])
    with tempfile.TemporaryDirectory() as folder:
        expressions = Path(folder) / "expressions.txt"
        expressions.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        arguments = [*tool, "--invert-paths", *[a for path in sorted(removed) for a in ("--path", path)],
                     "--replace-text", str(expressions), "--force", "--quiet"]
        result = subprocess.run(arguments, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(_("git-filter-repo failed (exit {code}): {error}").format(
            code=result.returncode, error=(result.stderr or result.stdout).strip()[-500:]))
    return outcome


def _expressions(identifiers: list[Identifiers], raw: list[dict]) -> set[str]:
    """git-filter-repo --replace-text lines: Python regexes over bytes, case-insensitive."""
    lines = set()
    for ids in identifiers:
        for token in (*ids.ids, *ids.emails):
            lines.add(rf"regex:(?i)(?<![\w.@-]){re.escape(token)}(?![\w@-])==>{REMOVED}")
        for name in ids.names:
            lines.add(_name_expression(name))
    for data in raw:  # the name as written, accents and all: the history holds it that way
        name = data.get("name") if isinstance(data.get("name"), dict) else {}
        for variant in (full_name(name), full_name({k: v for k, v in name.items() if k != "prefix"})):
            if len(variant.split()) >= 2:
                lines.add(_name_expression(tuple(variant.split())))
    return lines


def _name_expression(words: tuple[str, ...]) -> str:
    return r"regex:(?i)(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + rf"(?!\w)==>{REMOVED}"


def _filter_repo() -> list[str]:
    if importlib.util.find_spec("git_filter_repo") is not None:
        return [sys.executable, "-m", "git_filter_repo"]
    if shutil.which("git-filter-repo"):
        return ["git-filter-repo"]
    raise Refused(_("git-filter-repo is not installed; install it (pip install git-filter-repo) and run again"))


def _blobs_by_path(root: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in _git(root, "rev-list", "--all", "--objects").splitlines():
        sha, _sep, path = line.partition(" ")
        if path.startswith(("records/people/", "records/roles/")) and path.endswith(".yaml"):
            pairs.append((sha, path))
    return pairs


def _yaml(root: Path, sha: str) -> dict:
    try:
        data = YAML(typ="safe").load(_git(root, "cat-file", "-p", sha))
    except YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(_("git {command} failed: {error}").format(command=args[0], error=result.stderr.strip()))
    return result.stdout


def _git_ok(root: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None
