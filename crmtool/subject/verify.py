"""Proof that an erasure reached everywhere: the working tree, the derived copies, the history.

`crmtool subject verify-erased` looks for the person's identifiers (`identifiers.py`: the
id and every alias, every email address, every phone number as a number, the name in any
order and across line breaks) in every file of the working tree and in every path (records,
the index `build/index.sqlite` both as bytes and as the values of its tables, the built
register `build/site` with its HTML tags stripped, any other file; not the erasure log,
which holds only hashes). With `--history` it also reads every object in the repository's
object store (reachable or not): every blob, every commit message and author, every
annotated tag message and tagger; and every path of every commit and every ref name.

Once the person's file is gone their identifiers are known only as salted hashes in the
erasure log, so the search hashes what it reads and compares: id-like tokens, email-like
strings, phone numbers found by libphonenumber (in E.164), runs of two to six words (as
written and order-free) and, in paths, single words of the name. A hit names the place
(path, commit:path, commit or tag, and line) and the kind of identifier, never the value; a
path that itself holds an identifier is shown with that part masked.

The objects are read by one `git cat-file --batch-all-objects --batch`, not a process per
commit: a repository has many commits and few distinct blobs.

At 100,000 people (390,000 files, an index of half a gigabyte) that exact search is too slow
to run on everything, so a quick first look (`sieve.py`) decides which texts and paths it
runs on: the sieve never passes over a text the exact search would find something in, and
what is found, and how it is shown, is the exact search's. An SQLite file or other binary
file is read as a stream of its pieces (its text values and its runs between NUL bytes), a
batch of pieces at a time, never whole.
"""
from __future__ import annotations

import bisect
import hashlib
import html
import os
import re
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..i18n import N_, _
from ..git.run import GitError, cat_file_all, checked
from ..domain.personal_data import EMAIL_LIKE, LONGEST_RUN, WORD, normalise
from ..load.repo import Repository, UsageError
from ..domain import erasure_log
from .identifiers import (EMAIL, ID, NAME, NAME_PART, PHONE, Flat, Identifiers, default_region, numbers_in,
                          parts_count_in)
from .sieve import PATH_WORD as _PATH_WORD, TOKEN as _TOKEN, Sieve

BATCH_CHARS = 1 << 20
"""Pieces of a binary file are looked at a batch of about this many characters at a time."""
BLOCK_BYTES = 1 << 22
PIECE_SEPARATOR = "\n\0\n"
"""Between the pieces of a batch: a line break, so no id, e-mail address or word runs on
into the next piece, and a NUL, where no phone number can (see sieve._PhoneRegions)."""
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
    _sieve: Sieve | None = field(default=None, repr=False)

    @property
    def sieve(self) -> Sieve:
        if self._sieve is None:
            self._sieve = Sieve(self.salt, ids=self.ids, emails=self.emails, names=self.names,
                                name_keys=self.name_keys, phones=self.phones, parts=self.parts,
                                words=self.words, region=self.region)
        return self._sieve

    def possible_kinds(self) -> set[str]:
        """The kinds `text_places` can find with these hashes."""
        return {kind for kind, wanted in ((ID, self.ids), (EMAIL, self.emails), (PHONE, self.phones),
                                          (NAME, self.names or self.name_keys)) if wanted}

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
            self._spans[path] = self._path_spans(path) if self.sieve.path_may_hold(path) else []
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
            with _sqlite_copy(data) as copy:
                return self._binary_places(_sqlite_values(copy), _pieces([data]))
        if b"\0" in data:  # another binary file: the whole file is one place
            return self._binary_places((), _pieces([data]))
        return self._text_file_places(where, data)

    def _text_file_places(self, where: str, data: bytes) -> list[tuple[int | None, str]]:
        text = data.decode("utf-8", "replace")
        if _suffix(where).lower() in MARKUP:
            text = html.unescape(_TAG.sub(lambda m: " " + "\n" * m.group().count("\n"), text))
        if not self.sieve.text_may_hold(text):
            return []
        return list(self.text_places(text))

    def file_places(self, where: str, path: str) -> list[Place]:
        """`places` of a file in the work tree: an SQLite file (the index, a cache) is read as
        it is stored, in blocks, never whole."""
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
            if head != SQLITE_HEADER:
                return self.places(where, head + handle.read())
            with _sqlite_copy(Path(path)) as copy:
                found = self._binary_places(_sqlite_values(copy), _pieces(_blocks(handle, head)))
        return [Place(self.mask(where), line, kind) for line, kind in found]

    def _binary_places(self, values: Iterable[str], pieces: Iterable[str]) -> list[tuple[int | None, str]]:
        """The kinds found in any of the pieces (each piece a text of its own, as
        `text_places` reads it), one place per kind; pieces are sieved a batch at a time, and
        the reading stops once every kind there is to find has been found."""
        possible, kinds = self.possible_kinds(), set()
        batch: list[str] = []
        size = 0
        for piece in _chain(values, pieces):
            if not piece.strip():
                continue
            batch.append(piece)
            size += len(piece)
            if size >= BATCH_CHARS:
                kinds |= self._batch_kinds(batch)
                if kinds >= possible:
                    break
                batch, size = [], 0
        else:
            kinds |= self._batch_kinds(batch)
        return [(None, kind) for kind in sorted(kinds)]

    def _batch_kinds(self, batch: list[str]) -> set[str]:
        if not batch or not self.sieve.text_may_hold(PIECE_SEPARATOR.join(batch)):
            return set()
        return {kind for piece in batch if self.sieve.text_may_hold(piece) for _line, kind in self.text_places(piece)}

    def path_places(self, path: str, shown: str | None = None) -> list[Place]:
        kinds = sorted({kind for _s, _e, kind in self.path_spans(path)})
        if not kinds:
            return []
        return [Place(shown if shown is not None else self.mask(path), None, kind) for kind in kinds]


@contextmanager
def _sqlite_copy(source: bytes | Path) -> Iterator[Path]:
    """A copy of an SQLite database (given as bytes, or a file) that SQLite opens alone: in a
    folder of its own, without the journal or write-ahead log that may lie beside the
    original, as the bytes alone are. A file is linked where it can be, else copied."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.sqlite"
        if isinstance(source, bytes):
            copy.write_bytes(source)
        else:
            try:
                os.link(source, copy)
            except OSError:
                shutil.copyfile(source, copy)
        yield copy


def _sqlite_values(path: Path) -> Iterator[str]:
    """Every text value in every table of an SQLite database, one at a time: a name kept in
    two columns ("Kees", "Ploeger") is two values, not one run of bytes."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            try:
                for row in connection.execute(f'SELECT * FROM "{table}"'):
                    yield from (value for value in row if isinstance(value, str) and value.strip())
            except sqlite3.Error:
                continue  # a virtual table whose module is not loaded: its shadow tables are read
    except sqlite3.Error:
        pass
    finally:
        connection.close()


def sqlite_file_texts(path: Path) -> list[str]:
    return list(_sqlite_values(path))


def _blocks(handle, head: bytes = b"") -> Iterator[bytes]:
    if head:
        yield head
    while block := handle.read(BLOCK_BYTES):
        yield block


def _pieces(blocks: Iterable[bytes]) -> Iterator[str]:
    """The text between NUL bytes, decoded piece by piece: the same texts as decoding the
    whole and splitting it at NUL (a NUL byte is never part of a UTF-8 sequence)."""
    tail = b""
    for block in blocks:
        start = 0
        while (end := block.find(b"\0", start)) >= 0:
            yield (tail + block[start:end]).decode("utf-8", "replace")
            tail, start = b"", end + 1
        tail += block[start:]
    yield tail.decode("utf-8", "replace")


def _chain(*parts: Iterable[str]) -> Iterator[str]:
    for part in parts:
        yield from part


def hashes_for(repo: Repository, person_or_hash: str) -> Hashes:
    """The hashes to look for: from the person's file while it exists, else from the log."""
    from ..index.build import repository_config
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
        from .identifiers import name_key
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
    """Every file's path and content, spread over the cores (`load.pool`); in the order of
    the files, as one process would find them."""
    from ..load.pool import map_each, without_gc
    places = []
    with without_gc():  # the paths alone are handed over: every worker starts with this list
        for found in map_each([rel for rel, _path in _tree_files(root)], _TreeJob(hashes, str(root))):
            places += found
    return places


class _TreeJob:
    """The places of one file of the work tree: its path, then its content."""

    def __init__(self, hashes: Hashes, root: str) -> None:
        self.hashes = hashes
        self.root = root

    def start(self) -> None:
        pass

    def __call__(self, rel: str) -> list[Place]:
        return self.hashes.path_places(rel) + self.hashes.file_places(rel, os.path.join(self.root, rel))


def _suffix(path: str) -> str:
    """`Path(path).suffix`, without making a Path of every file's name."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _tree_files(root: Path) -> Iterator[tuple[str, str]]:
    """(path relative to the root, path) of every regular file under the root but .git/ and
    the erasure log, in the order of `os.walk` with sorted folders and files; symbolic links
    are neither read nor followed."""
    def walk(folder: str, prefix: str) -> Iterator[tuple[str, str]]:
        try:
            with os.scandir(folder) as found:
                entries = list(found)
        except OSError:
            return
        folders: list[os.DirEntry] = []
        files: list[os.DirEntry] = []
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            (folders if is_folder else files).append(entry)
        if not prefix:
            folders = [entry for entry in folders if entry.name != ".git"]
        for entry in sorted(files, key=lambda e: e.name):
            rel = prefix + entry.name
            try:
                regular = entry.is_file() and not entry.is_symlink()
            except OSError:
                regular = False
            if regular and rel != erasure_log.LOG_FILE:
                yield rel, entry.path
        for entry in sorted(folders, key=lambda e: e.name):
            if not entry.is_symlink():
                yield from walk(entry.path, prefix + entry.name + "/")
    yield from walk(str(root), "")


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
            in_blob = hashes._places(blob_path or "", data)
            if in_blob:
                shown = hashes.mask(blob_path) if blob_path else _("unreachable object {sha}").format(sha=sha[:12])
                blob_hits[sha] = [Place(shown, line, what) for line, what in in_blob]
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
    """(sha, type, content) of every object in the repository's object store but its trees
    (which git lists and does not read)."""
    yield from cat_file_all(root, skip=("tree",))


def _git(root: Path, *args: str) -> str:
    try:
        return checked(root, *args)
    except GitError as error:
        raise UsageError(_("git {command} failed in {root}: {error}").format(
            command=error.command, root=root, error=error.stderr)) from error
