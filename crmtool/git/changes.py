"""What a change touched, for `crmtool check --changed-since REV`.

The change is everything between REV and the working tree: commits since REV, staged and
unstaged edits, and files git does not track yet. Renames count as a deletion and an
addition, because ids are file names: a renamed record is a removed id and a new one.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .run import run as git
from ..load.repo import CONFIG_FILE, RECORDS, UsageError, record_of

POLICY_FOLDERS = frozenset({"purposes", "processors", "lists", "staff", "fields", "vocabularies"})
"""Records that many others depend on (every person names a purpose): a change to one of them,
to crmtool.yaml or to the schemas is checked against the whole repository."""


@dataclass
class Changes:
    base: str
    commit: str = ""  # the commit `base` names, as git resolved it
    touched: set[str] = field(default_factory=set)  # record paths added or modified, present now
    removed: set[str] = field(default_factory=set)  # record paths present at `base`, gone now
    whole: bool = False  # settings, schemas or policy records changed: check everything
    other: set[str] = field(default_factory=set)  # other files outside records/ (a postcode table)

    def removed_ids(self) -> dict[str, set[str]]:
        """Folder → ids of the removed records."""
        result: dict[str, set[str]] = {}
        for path in self.removed:
            folder, record_id = record_of(path)
            if folder:
                result.setdefault(folder, set()).add(record_id)
        return result


def changes_since(root: Path, base: str) -> Changes:
    """The paths changed between `base` and the working tree of the repository at `root`."""
    if not base or base.startswith("-"):
        raise UsageError(f"--changed-since {base!r}: give a git revision, such as origin/main")
    commit = git(root, "rev-parse", "--verify", "-q", f"{base}^{{commit}}")
    if commit is None:
        raise UsageError(f"--changed-since {base}: git knows no such revision here "
                         "(in CI, fetch the base branch first, e.g. with fetch-depth: 0)")
    with ThreadPoolExecutor(2) as pool:  # both walk the whole tree: let them do it side by side
        diff_job = pool.submit(git, root, "diff", "--name-status", "-z", "--no-renames", "--relative", base, "--")
        untracked_job = pool.submit(git, root, "ls-files", "--others", "--exclude-standard", "-z", "--")
        diff, untracked = diff_job.result(), untracked_job.result()
    if diff is None or untracked is None:
        raise UsageError(f"--changed-since {base}: git could not compare the working tree with it")
    changes = Changes(base, commit.strip())
    fields = diff.split("\0")
    pairs = [(fields[i], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]
    pairs += [("A", path) for path in untracked.split("\0") if path]
    for status, path in pairs:
        if path == CONFIG_FILE or path.startswith("schemas/"):
            changes.whole = True
            continue
        folder, _id = record_of(path)
        if folder is None:
            if path.startswith(RECORDS + "/"):
                changes.touched.add(path)  # a stray: S003 reports it
            else:
                changes.other.add(path)
            continue
        if folder in POLICY_FOLDERS:
            changes.whole = True
        if status == "D":
            changes.removed.add(path)
        else:
            changes.touched.add(path)
    return changes
