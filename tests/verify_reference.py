"""The proof of erasure as it was before issue 20 made it fast: the slow reference.

A copy of `crmtool/subject/verify.py` at the commit before the fast search (every line of
every file normalised, hashed run by run, libphonenumber over every text; an SQLite file
read whole). tests/test_verify_scale.py runs it beside the real command and asserts the
same places, in the same order. Do not speed this copy up: it is the definition the fast
search is measured against.
"""
from __future__ import annotations

import bisect
import hashlib
import html
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from crmtool.i18n import N_, _
from crmtool.git.run import GitError, cat_file_all, checked
from crmtool.domain.personal_data import EMAIL_LIKE, LONGEST_RUN, WORD, normalise
from crmtool.load.repo import Repository, UsageError
from crmtool.domain import erasure_log
from crmtool.subject.identifiers import (EMAIL, ID, NAME, NAME_PART, PHONE, Flat, Identifiers, default_region,
                                         numbers_in, parts_count_in)

_TOKEN = re.compile(r"[a-z0-9][a-z0-9_-]*[a-z0-9]")
_PATH_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")
MARKUP = {".html", ".htm", ".xml", ".svg"}
SQLITE_HEADER = b"SQLite format 3\x00"
MASK = "…"
KINDS = {ID: N_("id"), EMAIL: N_("email address"), NAME: N_("name"), PHONE: N_("phone number"),
         NAME_PART: N_("part of the name")}


@dataclass(frozen=True)
class Place:
    """Where an identifier was found: a path, commit:path, a commit's message or a tag's."""

    where: str
    line: int | None
    kind: str

    def message(self) -> str:
        kind = _(KINDS.get(self.kind, self.kind))
        return f"{self.where}:{self.line}: {kind}" if self.line else f"{self.where}: {kind}"


@dataclass
class Hashes:
    """What to look for, as salted hashes (see erasure_log.ErasureLog.hash)."""

    salt: str
    ids: set[str]
    emails: set[str]
    names: set[str]  # runs of words as written ("teun jansen")
    name_keys: set[str] = field(default_factory=set)  # order-free ("jansen teun")
    phones: set[str] = field(default_factory=set)  # E.164
    parts: set[str] = field(default_factory=set)  # single words of the name, for paths
    region: str = "NL"
    words: set[str] | None = None  # every word of the name; None (an older log entry): any word may be
    _memo: dict = field(default_factory=dict, repr=False)
    _spans: dict = field(default_factory=dict, repr=False)

    def _hash(self, value: str) -> str:
        """The salted hash, remembered: the same words and tokens come back in every file."""
        found = self._memo.get(value)
        if found is None:
            if len(self._memo) > 1_000_000:
                self._memo.clear()
            found = self._memo[value] = hashlib.sha256((self.salt + value).encode("utf-8")).hexdigest()
        return found

    def _may_be_name(self, word: str) -> bool:
        return self.words is None or self._hash(word) in self.words

    def _name_kind(self, run: list[str]) -> str | None:
        if not all(self._may_be_name(w) for w in run):
            return None
        if self._hash(" ".join(run)) in self.names or self._hash(" ".join(sorted(run))) in self.name_keys:
            return NAME
        return None

    def kinds_in(self, line: str) -> list[str]:
        """The kinds of identifier in one piece of text (normalised)."""
        return sorted({kind for _line, kind in self.text_places(line)})

    def text_places(self, text: str) -> list[tuple[int, str]]:
        """(line, kind) of every identifier in a text; a name or a phone number may run over
        a line break and is placed on the line where it starts."""
        found: set[tuple[int, str]] = set()
        lines = text.split("\n")
        stream: list[tuple[str, int]] = []
        for number, raw in enumerate(lines, start=1):
            line = normalise(raw)
            if not line:
                continue
            if any(self._hash(t) in self.ids for t in _TOKEN.findall(line)):
                found.add((number, ID))
            if any(self._hash(m.group().strip(".")) in self.emails for m in EMAIL_LIKE.finditer(line)):
                found.add((number, EMAIL))
            if self.names or self.name_keys:
                stream += [(word, number) for word in WORD.findall(line)]
        if self.names or self.name_keys:
            for start in range(len(stream)):
                if not self._may_be_name(stream[start][0]):
                    continue
                for length in range(2, min(LONGEST_RUN, len(stream) - start) + 1):
                    if self._name_kind([w for w, _n in stream[start:start + length]]):
                        found.add((stream[start][1], NAME))
                        break
        if self.phones:
            flat = Flat(text)
            breaks = [i for i, c in enumerate(text) if c == "\n"]
            for start, _end, phone in numbers_in(flat.text, self.region):
                if self._hash(normalise(phone)) in self.phones:
                    found.add((bisect.bisect_left(breaks, flat.start(start)) + 1, PHONE))
        return sorted(found)

    def path_spans(self, path: str) -> list[tuple[int, int, str]]:
        """The identifiers in a path, with where they are (to mask them when shown): an id
        also inside a longer slug, an email address, the name in any order, a word of the name."""
        if path not in self._spans:
            if len(self._spans) > 200_000:
                self._spans.clear()
            self._spans[path] = self._path_spans(path)
        return self._spans[path]

    def _path_spans(self, path: str) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        lowered = path.lower()
        for segment in re.finditer(r"[^/]+", lowered):
            pieces = list(re.finditer(r"[^-_.]+", segment.group()))
            for a in range(len(pieces)):
                for b in range(a, min(a + 8, len(pieces))):
                    start, end = segment.start() + pieces[a].start(), segment.start() + pieces[b].end()
                    if self._hash(normalise(lowered[start:end])) in self.ids:
                        spans.append((start, end, ID))
        for match in EMAIL_LIKE.finditer(lowered):
            if self._hash(normalise(match.group().strip("."))) in self.emails:
                spans.append((match.start(), match.end(), EMAIL))
        tokens = list(_PATH_WORD.finditer(path))
        keys = [normalise(t.group()) for t in tokens]
        parts = parts_count_in(path)
        for start in range(len(tokens)):
            for length in range(min(LONGEST_RUN, len(tokens) - start), 0, -1):
                run = keys[start:start + length]
                kind = self._name_kind(run) if length > 1 else None
                if kind is None and parts and self._hash(" ".join(run)) in self.parts:
                    kind = NAME_PART
                if kind:
                    spans.append((tokens[start].start(), tokens[start + length - 1].end(), kind))
                    break
        return sorted(set(spans))

    def mask(self, path: str) -> str:
        """The path as it may be shown: every identifier in it replaced by "…"."""
        spans = self.path_spans(path)
        if not spans:
            return path
        merged: list[list[int]] = []
        for start, end, _kind in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in reversed(merged):
            path = path[:start] + MASK + path[end:]
        return path

    def places(self, where: str, data: bytes, shown: str | None = None) -> list[Place]:
        """Every identifier in one file's bytes (`where` is its path, `shown` how to name it)."""
        found = self._places(where, data)
        if not found:
            return []
        shown = shown if shown is not None else self.mask(where)
        return [Place(shown, line, kind) for line, kind in found]

    def _places(self, where: str, data: bytes) -> list[tuple[int | None, str]]:
        if data.startswith(SQLITE_HEADER):
            texts = _sqlite_texts(data) + [c for c in data.decode("utf-8", "replace").split("\0") if c.strip()]
            kinds = {k for chunk in texts for _l, k in self.text_places(chunk)}
            return [(None, kind) for kind in sorted(kinds)]
        text = data.decode("utf-8", "replace")
        if "\0" in text:  # another binary file: the whole file is one place
            kinds = {k for chunk in text.split("\0") if chunk.strip() for _l, k in self.text_places(chunk)}
            return [(None, kind) for kind in sorted(kinds)]
        if Path(where).suffix.lower() in MARKUP:
            text = html.unescape(_TAG.sub(lambda m: " " + "\n" * m.group().count("\n"), text))
        return list(self.text_places(text))

    def path_places(self, path: str, shown: str | None = None) -> list[Place]:
        kinds = sorted({kind for _s, _e, kind in self.path_spans(path)})
        if not kinds:
            return []
        return [Place(shown if shown is not None else self.mask(path), None, kind) for kind in kinds]


def _sqlite_texts(data: bytes) -> list[str]:
    """Every text value in every table of an SQLite database given as bytes: a name kept in
    two columns ("Kees", "Ploeger") is two values, not one run of bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.sqlite"
        path.write_bytes(data)
        return sqlite_file_texts(path)


def sqlite_file_texts(path: Path) -> list[str]:
    texts: list[str] = []
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return texts
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            try:
                rows = connection.execute(f'SELECT * FROM "{table}"')
                for row in rows:
                    texts += [value for value in row if isinstance(value, str) and value.strip()]
            except sqlite3.Error:
                continue  # a virtual table whose module is not loaded: its shadow tables are read
    except sqlite3.Error:
        pass
    finally:
        connection.close()
    return texts


def hashes_for(repo: Repository, person_or_hash: str) -> Hashes:
    """The hashes to look for: from the person's file while it exists, else from the log."""
    from crmtool.index.build import repository_config
    log = erasure_log.read(repo.root)
    region = default_region(repository_config(repo))
    path = repo.root / "records" / "people" / f"{person_or_hash}.yaml"
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", person_or_hash) and path.is_file():
        from ruamel.yaml import YAML
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except Exception as error:  # a broken file: say which, never guess
            raise UsageError(_("{path}: cannot be read ({error})").format(
                path=repo.relative(path), error=error)) from error
        data = data if isinstance(data, dict) else {}
        ids = Identifiers.of(person_or_hash, data, region)
        from crmtool.subject.identifiers import name_key
        return Hashes(log.salt, {log.hash(i) for i in ids.ids}, {log.hash(e) for e in ids.emails},
                      {log.hash(" ".join(n)) for n in ids.names}, {log.hash(name_key(n)) for n in ids.names},
                      {log.hash(p) for p in ids.phones}, {log.hash(p) for p in ids.parts}, region,
                      {log.hash(w) for n in ids.names for w in n})
    entry = log.find(person_or_hash)
    if entry is None:
        raise UsageError(_("{person}: no such person in records/people/ and no entry in {log}; "
                           "give the id or an id_hash from the log").format(
            person=person_or_hash, log=erasure_log.LOG_FILE))
    id_hashes = {entry["id_hash"], *(entry.get("alias_hashes") or [])}
    if not re.fullmatch(r"[0-9a-f]{64}", person_or_hash.lower()):
        id_hashes.add(log.hash(person_or_hash))
    names = {entry["name_hash"]} if entry.get("name_hash") else set()
    return Hashes(log.salt, id_hashes, set(entry.get("email_hashes") or []), names, set(entry.get("name_hashes") or []),
                  set(entry.get("phone_hashes") or []), set(entry.get("part_hashes") or []), region,
                  set(entry["word_hashes"]) if entry.get("word_hashes") else None)


def verify(repo: Repository, person_or_hash: str, *, history: bool = False) -> list[Place]:
    """Every place that still holds one of the person's identifiers; empty when clean."""
    hashes = hashes_for(repo, person_or_hash)
    places = _working_tree(repo.root, hashes)
    if history:
        places += _history(repo.root, hashes)
    return places


def _working_tree(root: Path, hashes: Hashes) -> list[Place]:
    places = []
    for folder, folders, files in os.walk(root):
        if Path(folder) == root and ".git" in folders:
            folders.remove(".git")
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if rel == erasure_log.LOG_FILE or not path.is_file() or path.is_symlink():
                continue
            places += hashes.path_places(rel)
            places += hashes.places(rel, path.read_bytes())
    return places


def _history(root: Path, hashes: Hashes) -> list[Place]:
    """Every object in the store (one `git cat-file --batch-all-objects --batch`), every path
    of every commit and every ref name."""
    paths: dict[str, str] = {}
    for line in _git(root, "rev-list", "--all", "--objects").splitlines():
        sha, _sep, path = line.partition(" ")
        if path and sha not in paths:
            paths[sha] = path
    tags: dict[str, str] = {}
    for line in _git(root, "for-each-ref", "--format=%(objectname) %(refname)").splitlines():
        sha, _sep, ref = line.partition(" ")
        tags.setdefault(sha, ref)
    places: list[Place] = []
    blob_hits: dict[str, list[Place]] = {}
    for sha, kind, data in _objects(root):
        if kind == "blob":
            blob_path = paths.get(sha)
            if blob_path == erasure_log.LOG_FILE:
                continue
            shown = hashes.mask(blob_path) if blob_path else _("unreachable object {sha}").format(sha=sha[:12])
            found = hashes.places(blob_path or "", data, shown)
            if found:
                blob_hits[sha] = found
        elif kind == "commit":
            places += [Place(_("commit {sha}").format(sha=sha[:12]) + where, line, k)
                       for where, line, k in _message_places(hashes, data, "author", "committer")]
        elif kind == "tag":
            name = _tag_name(data)
            label = (_("tag {name}").format(name=hashes.mask(name)) if name
                     else _("tag object {sha}").format(sha=sha[:12]))
            places += [Place(label + where, line, k) for where, line, k in _message_places(hashes, data, "tagger")]
            places += [Place(label, None, k) for _s, _e, k in hashes.path_spans(name or "")]
    for sha, found in blob_hits.items():
        if sha in paths:
            commit = _git(root, "log", "--all", "-1", "--format=%h", f"--find-object={sha}").strip() or sha[:12]
            places += [Place(f"{commit}:{p.where}", p.line, p.kind) for p in found]
        else:
            places += found
    seen: set[str] = set()
    commit = ""
    for line in _git(root, "-c", "core.quotePath=false", "log", "--all", "-m", "--no-renames", "--name-only",
                     "--format=%x00%h").splitlines():
        if line.startswith("\0"):
            commit = line[1:]
            continue
        if line and line not in seen:
            seen.add(line)
            places += hashes.path_places(line, f"{commit}:{hashes.mask(line)}")
    for _sha, ref in sorted(tags.items(), key=lambda item: item[1]):
        places += [Place(_("ref {name}").format(name=hashes.mask(ref)), None, k)
                   for k in sorted({k for _s, _e, k in hashes.path_spans(ref)})]
    return places


def _message_places(hashes: Hashes, data: bytes, *people: str) -> list[tuple[str, int | None, str]]:
    """Identifiers in a commit's or tag's message (line numbers within the message) and in
    its author, committer or tagger."""
    text = data.decode("utf-8", "replace")
    header, _sep, message = text.partition("\n\n")
    found: list[tuple[str, int | None, str]] = [(" " + _("(message)"), line, kind)
                                                for line, kind in hashes.text_places(message)]
    for line in header.splitlines():
        role, _space, value = line.partition(" ")
        if role in people:
            who = re.sub(r"\s+\d+\s+[+-]\d{4}$", "", value)
            found += [(" " + _("({role})").format(role=role), None, kind)
                      for kind in sorted({k for _l, k in hashes.text_places(who)})]
    return found


def _tag_name(data: bytes) -> str | None:
    for line in data.decode("utf-8", "replace").split("\n\n", 1)[0].splitlines():
        if line.startswith("tag "):
            return line[4:]
    return None


def _objects(root: Path):
    """(sha, type, content) of every object in the repository's object store but its trees."""
    for sha, kind, data in cat_file_all(root):
        if kind != "tree":
            yield sha, kind, data


def _git(root: Path, *args: str) -> str:
    try:
        return checked(root, *args)
    except GitError as error:
        raise UsageError(_("git {command} failed in {root}: {error}").format(
            command=error.command, root=root, error=error.stderr)) from error
