"""Proof that an erasure reached everywhere: the working tree, the derived copies, the history.

`crmtool subject verify-erased` looks for the person's identifiers in every file of the
working tree (records, the index `build/index.sqlite`, the built register `build/site`, any
other file; not the erasure log, which holds only hashes) and, with `--history`, in every
blob reachable from any ref. Once the person's file is gone their identifiers are known only
as salted hashes in the erasure log, so the search hashes what it reads and compares: every
id-like token (the id), every email-like string (`email_hashes`) and every run of two to six
words (`name_hash`), normalised as the log normalised them. A hit names the place (path or
commit:path, and line) and the kind of identifier, never the value.

The history is read by one `git rev-list --all --objects` and one `git cat-file --batch`, not
a process per commit: a repository has many commits and few distinct blobs.
"""
from __future__ import annotations

import hashlib
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..register.scan import EMAIL_LIKE, WORD, LONGEST_RUN, normalise
from ..repo import Repository, UsageError
from . import erasure_log
from .identifiers import Identifiers

_TOKEN = re.compile(r"[a-z0-9][a-z0-9_-]*[a-z0-9]")
ID, EMAIL, NAME = "id", "email address", "name"


@dataclass(frozen=True)
class Place:
    """Where an identifier was found: a path, or commit:path for the history."""

    where: str
    line: int | None
    kind: str

    def message(self) -> str:
        return f"{self.where}:{self.line}: {self.kind}" if self.line else f"{self.where}: {self.kind}"


@dataclass
class Hashes:
    """What to look for, as salted hashes (see erasure_log.ErasureLog.hash)."""

    salt: str
    ids: set[str]
    emails: set[str]
    names: set[str]

    def _hash(self, value: str) -> str:
        return hashlib.sha256((self.salt + value).encode("utf-8")).hexdigest()

    def kinds_in(self, line: str) -> list[str]:
        """The kinds of identifier on one (normalised) line."""
        kinds = []
        if any(self._hash(t) in self.ids for t in _TOKEN.findall(line)):
            kinds.append(ID)
        if any(self._hash(m.group().strip(".")) in self.emails for m in EMAIL_LIKE.finditer(line)):
            kinds.append(EMAIL)
        words = WORD.findall(line)
        if self.names and any(self._hash(" ".join(words[start:start + length])) in self.names
                              for start in range(len(words))
                              for length in range(2, min(LONGEST_RUN, len(words) - start) + 1)):
            kinds.append(NAME)
        return kinds

    def places(self, where: str, data: bytes) -> list[Place]:
        text = data.decode("utf-8", "replace")
        if "\0" in text:  # a binary file (the index): the whole file is one place
            kinds = sorted({k for chunk in text.split("\0") if chunk for k in self.kinds_in(normalise(chunk))})
            return [Place(where, None, kind) for kind in kinds]
        found = []
        for number, line in enumerate(text.splitlines(), start=1):
            found += [Place(where, number, kind) for kind in self.kinds_in(normalise(line))]
        return found


def hashes_for(repo: Repository, person_or_hash: str) -> Hashes:
    """The hashes to look for: from the person's file while it exists, else from the log."""
    log = erasure_log.read(repo.root)
    path = repo.root / "records" / "people" / f"{person_or_hash}.yaml"
    if path.is_file():
        from ruamel.yaml import YAML
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except Exception as error:  # a broken file: its id is still the person's
            raise UsageError(_("{path}: cannot be read ({error})").format(path=repo.relative(path), error=error)) from error
        data = data if isinstance(data, dict) else {}
        ids = Identifiers.of(person_or_hash, data)
        return Hashes(log.salt, {log.hash(i) for i in ids.ids}, {log.hash(e) for e in ids.emails},
                      {log.hash(" ".join(n)) for n in ids.names})
    entry = log.find(person_or_hash)
    if entry is None:
        raise UsageError(_("{person}: no such person in records/people/ and no entry in {log}; "
                           "give the id or an id_hash from the log").format(person=person_or_hash, log=erasure_log.LOG_FILE))
    ids = {entry["id_hash"]}
    if not re.fullmatch(r"[0-9a-f]{64}", person_or_hash.lower()):
        ids.add(log.hash(person_or_hash))
    names = {entry["name_hash"]} if entry.get("name_hash") else set()
    return Hashes(log.salt, ids, set(entry.get("email_hashes") or []), names)


def verify(repo: Repository, person_or_hash: str, *, history: bool = False) -> list[Place]:
    """Every place that still holds one of the person's identifiers; empty when clean."""
    hashes = hashes_for(repo, person_or_hash)
    places = _working_tree(repo.root, hashes)
    if history:
        places += _history(repo.root, hashes)
    return places


def _working_tree(root: Path, hashes: Hashes) -> list[Place]:
    places = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts[:1]):
        rel = path.relative_to(root).as_posix()
        if rel == erasure_log.LOG_FILE:
            continue
        places += [Place(rel, None, kind) for kind in hashes.kinds_in(normalise(rel))]
        places += hashes.places(rel, path.read_bytes())
    return places


def _history(root: Path, hashes: Hashes) -> list[Place]:
    """Every blob reachable from any ref, read by one `git cat-file --batch`."""
    listing = _git(root, "rev-list", "--all", "--objects")
    paths: dict[str, str] = {}
    for line in listing.splitlines():
        sha, _sep, path = line.partition(" ")
        if path and sha not in paths:
            paths[sha] = path
    process = subprocess.Popen(["git", "-C", str(root), "cat-file", "--batch"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    feeder = threading.Thread(target=_feed, args=(process.stdin, list(paths)), daemon=True)
    feeder.start()
    hits: dict[str, list[Place]] = {}
    for sha in paths:
        header = process.stdout.readline().decode().split()
        if len(header) < 3:
            continue
        size = int(header[2])
        data = process.stdout.read(size)
        process.stdout.read(1)
        path = paths[sha]
        if header[1] != "blob" or path == erasure_log.LOG_FILE:
            continue
        found = hashes.places(path, data) + [Place(path, None, k) for k in hashes.kinds_in(normalise(path))]
        if found:
            hits[sha] = found
    feeder.join()
    process.wait()
    places = []
    for sha, found in hits.items():
        commit = _git(root, "log", "--all", "-1", "--format=%h", f"--find-object={sha}").strip() or sha[:12]
        places += [Place(f"{commit}:{p.where}", p.line, p.kind) for p in found]
    return places


def _feed(stdin, shas: list[str]) -> None:
    try:
        for sha in shas:
            stdin.write(f"{sha}\n".encode())
        stdin.close()
    except BrokenPipeError:
        pass


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise UsageError(_("git {command} failed in {root}: {error}").format(
            command=args[0], root=root, error=result.stderr.strip()))
    return result.stdout
