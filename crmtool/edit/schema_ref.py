"""The path in a record's `# yaml-language-server: $schema=` comment, decided once for `fmt` and `new`.

An editor reads the comment's path from the file's own folder to find the schema that checks
the record as it is typed. A path is only worth writing when it resolves there, and it must
travel with the repository, so never a path on this one machine. `resolving` is that one
decision: crmtool's schemas (the repository's own `schemas/`, or crmtool's own for the examples
in its source tree) when they lie inside the git checkout and resolve from the file's folder;
else the path most of the neighbours in the same records folder use (rewritten for the file's
depth: an interaction in `interactions/2026/` sits one level deeper than one in
`interactions/`) when that resolves; else None.

What to do with None is the caller's: `fmt` adds no comment (a guessed path would be a wrong
line in every file it touched; docs/decisions.md, "One $schema path"), while `new` writes the
neighbours' path as it is, else `schemas/` at the root (`fallback`), so a fresh copy of an
example stays consistent and fixing one line fixes all.

The answers are memoised per (folder, type) for one run: `fmt` asks for every file, and the
neighbours are read once per records folder, not once per file.
"""
from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from pathlib import Path, PurePosixPath

from ..load.repo import Repository, read_regular

SCHEMA_LINE = re.compile(r"#\s*yaml-language-server\s*:\s*\$schema\s*=\s*(\S+)")
"""The comment as an editor reads it (spaces around `:` and `=` allowed)."""
NEIGHBOURS_READ = 50
"""The first line of at most this many files of a folder is read: quick in a large folder."""


class SchemaReferences:
    """The `$schema` paths of one repository, for one run (the files may change between runs)."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._resolving: dict[tuple[str, str], str | None] = {}
        self._targets: dict[tuple[str, str], Counter] = {}
        self._schemas = _inside_checkout(repo)

    def resolving(self, path: str, kind: str) -> str | None:
        """The path from the folder of `path` (a record file, relative to the root) to the
        schema of `kind` that an editor will find; None when none resolves."""
        key = (path.rpartition("/")[0], kind)  # the folder (fmt asks for every file: kept quick)
        try:
            return self._resolving[key]
        except KeyError:
            found = self._resolving[key] = self._decide(path, kind)
            return found

    def fallback(self, path: str, kind: str) -> str:
        """`new`'s path when none resolves: the neighbours' as it is, else `schemas/` at the root."""
        return self.neighbours(path, kind) or _relative(self.repo.root / "schemas" / _name(kind),
                                                        (self.repo.root / path).parent)

    def neighbours(self, path: str, kind: str) -> str | None:
        """The path most records of the same folder use for `kind`'s schema, rewritten for the
        folder of `path`; None when no neighbour has one."""
        parts = PurePosixPath(path).parts
        key = ("/".join(parts[:2]), kind)
        if key not in self._targets:
            self._targets[key] = self._read_neighbours(key[0], _name(kind))
        found = self._targets[key]
        if not found:
            return None
        root = self.repo.root.absolute().as_posix()  # absolute: a target may climb above the root
        target = posixpath.normpath(posixpath.join(root, found.most_common(1)[0][0]))
        return posixpath.relpath(target, posixpath.join(root, posixpath.dirname(path)))

    def _decide(self, path: str, kind: str) -> str | None:
        folder = (self.repo.root / path).parent
        if self._schemas is not None:
            ours = _relative(self._schemas / _name(kind), folder)
            if (folder / ours).is_file():
                return ours
        neighbour = self.neighbours(path, kind)
        return neighbour if neighbour and (folder / neighbour).is_file() else None

    def _read_neighbours(self, folder: str, name: str) -> Counter:
        """Where the first files of `folder` point for `name`, relative to the root (it may
        climb above it), counted. Read without following a link, never blocked by a pipe."""
        root = self.repo.root
        found: Counter = Counter()
        for file in sorted((root / folder).rglob("*.yaml"))[:NEIGHBOURS_READ]:
            rel = file.relative_to(root).as_posix()
            try:
                first = read_regular(root, rel).split(b"\n", 1)[0].decode("utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            match = SCHEMA_LINE.fullmatch(first.lstrip("\ufeff"))
            if match and match.group(1).endswith("/" + name):
                found[posixpath.normpath(posixpath.join(posixpath.dirname(rel), match.group(1)))] += 1
        return found


def schema_reference(repo: Repository, path: str, kind: str) -> str | None:
    """The `$schema` path for one file (see `SchemaReferences.resolving`)."""
    return SchemaReferences(repo).resolving(path, kind)


def _inside_checkout(repo: Repository) -> Path | None:
    """crmtool's schema folder for `repo` when it lies inside the git checkout (a path out of
    the checkout would not travel with the repository); None otherwise."""
    root = repo.root
    top = next((p for p in (root, *root.parents) if (p / ".git").exists()), root)
    target = repo.schema_dir
    return target if target.resolve().is_relative_to(top.resolve()) else None


def _name(kind: str) -> str:
    return f"{kind}.schema.json"


def _relative(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target, folder)).as_posix()
