"""A quick first look for the proof of erasure: could this text or path hold the person?

`verify.Hashes` answers exactly (which identifier, on which line) but slowly: it normalises
every line, hashes every run of words and runs libphonenumber over every text. At 100,000
people that is 390,000 files and half a gigabyte of index, nearly all of it clean. The
sieve answers one question per text or path, "might the exact search find something
here?", and answers it fast; the exact search then runs only where it says yes. It is
*sound*: it says no only when the exact search would find nothing. A wrong yes costs time;
a wrong no would hide a place, so every shortcut below is an equality or a superset, and
tests/test_verify_scale.py compares the two on real and on generated texts.

Why it is fast:

- Each distinct value is hashed once per run. Ids, words and e-mail addresses repeat
  across files ("since", "gemeente-almere", "2026"), so a file's values are taken as a set
  and only the ones not seen before are hashed (`_Lookup`).
- A whole text is lowered once (`str.lower`, in C) when it is ASCII, which is then what
  `normalise` makes of each of its lines as far as tokens, words and e-mail addresses go
  (none of them holds whitespace, and for ASCII casefold is lower); other texts are
  normalised line by line, as the exact search does.
- E-mail addresses are looked for only in the whitespace-free runs that hold an "@" (an
  address is such a run or part of one; `str.split` and the pattern's `\\s` agree on what
  whitespace is): the pattern is slow over long text.
- libphonenumber reads only the *regions* of a text that can hold a phone number, and each
  distinct region once (`_PhoneRegions`); see there why that finds the same numbers.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable

from phonenumbers import phonenumbermatcher

from ..domain.personal_data import EMAIL_LIKE, LONGEST_RUN, WORD, normalise
from .identifiers import PHONE_FIRST_LOOK, matched_numbers, parts_count_in

TOKEN = re.compile(r"[a-z0-9][a-z0-9_-]*[a-z0-9]")
"""An id-like token in a normalised line (the exact search's, `verify.Hashes.text_places`)."""
PATH_WORD = re.compile(r"[^\W_]+")
PATH_PIECE = re.compile(r"[^-_.]+")
_SPACES = re.compile(r"\s+")
_SPACE = re.compile(r"\s")

MEMO_LIMIT = 200_000
"""Values remembered per kind before the memory is emptied (a bound on memory, not a cache
that must hold everything: a value forgotten is hashed again)."""


class _Lookup:
    """Is any of these values, salted and hashed, in `wanted`? Values seen clean are kept."""

    def __init__(self, salt: str, wanted: Iterable[str]) -> None:
        self.salt = salt
        self.wanted = set(wanted)
        self.clean: set[str] = set()
        self.hits: set[str] = set()

    def _hit(self, value: str) -> bool:
        if value in self.hits:
            return True
        if hashlib.sha256((self.salt + value).encode("utf-8")).hexdigest() in self.wanted:
            self.hits.add(value)
            return True
        return False

    def any_in(self, values: set[str]) -> bool:
        if not self.wanted:
            return False
        new = values - self.clean
        if not new:
            return False
        for value in new:
            if self._hit(value):
                return True
        self._remember(new)
        return False

    def hits_in(self, values: set[str]) -> set[str]:
        if not self.wanted:
            return set()
        new = values - self.clean
        found = {value for value in new if self._hit(value)}
        self._remember(new - found)
        return found

    def _remember(self, clean: set[str]) -> None:
        if len(self.clean) > MEMO_LIMIT:
            self.clear()
        self.clean |= clean

    def clear(self) -> None:
        self.clean = set()


class _PhoneRegions:
    """The numbers libphonenumber finds in a flat text (whitespace runs as one space), read
    region by region and each distinct region once.

    The matcher (`PhoneNumberMatcher`, leniency POSSIBLE) takes a candidate wherever its
    pattern matches, a match of characters that are digits, its punctuation and the words
    of an extension; it then looks at the candidate alone and, for a time stamp, at the
    three characters after it. So a character that no part of the pattern can match (and
    that is not ":") ends every candidate: the text cut at such characters gives regions
    in which the matcher finds, each on its own, the numbers it finds in the whole text.
    Within a region, what comes before its first digit or opening bracket or plus cannot
    begin a candidate, and what comes after its last digit or "#" cannot end one or be a
    time stamp's ":ss": cut off, the region is shorter and recurs in more files ("2026-11-24").
    The one bound the whole text has and a region has not (65,535 tries) can only make the
    whole text find fewer numbers, never others: a region finds at least those.

    The alphabet is read from the installed pattern; the rule for the ends was read from
    its text. A libphonenumber whose pattern differs is read whole, as the exact search
    does, until this has been looked at again (tests/test_verify_scale.py says when).
    """

    KNOWN_PATTERN = "eaa30f75979539e14a0d7bdbd63b55d253315608612363b961342d013e511886"
    """sha256 of the matcher's pattern and flags for which the region rule was worked out."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.memo: dict[str, tuple[str, ...]] = {}
        self.pieces = _region_pattern()

    def numbers(self, flat: str) -> set[str]:
        """Every number (E.164) the matcher finds in `flat`, perhaps a few more (see above)."""
        if self.pieces is None:
            return {normalise(number) for _s, _e, number in matched_numbers(flat, self.region)}
        found: set[str] = set()
        for piece in set(self.pieces.findall(flat)):
            found.update(self._numbers(piece))
        return found

    def _numbers(self, text: str) -> tuple[str, ...]:
        known = self.memo.get(text)
        if known is None:
            if len(self.memo) > MEMO_LIMIT:
                self.memo.clear()
            known = self.memo[text] = tuple(normalise(number) for _s, _e, number in matched_numbers(text, self.region))
        return known


_LEAD = "(\\[\uff08\uff3b+\uff0b"
"""The characters before the first digit that can begin a candidate (the pattern's lead class)."""


def pattern_fingerprint() -> str:
    pattern = phonenumbermatcher._PATTERN
    return hashlib.sha256(f"{pattern.flags}\n{pattern.pattern}".encode("utf-8")).hexdigest()


def _region_pattern() -> re.Pattern | None:
    """A region of a flat text as `_PhoneRegions` reads it: within a run of characters the
    matcher's pattern can match (or ":"), from the first that can begin a candidate (a lead
    character followed by a digit, or a digit) to the last digit or "#". None when the
    pattern is not the one this was worked out for, or holds something other than
    characters and classes (an anchor, a look-around, any character)."""
    if pattern_fingerprint() != _PhoneRegions.KNOWN_PATTERN:
        return None
    pattern = phonenumbermatcher._PATTERN
    try:
        items = _class_items(re._parser.parse(pattern.pattern, pattern.flags))  # type: ignore[attr-defined]
    except ValueError:
        return None
    alphabet = "[" + "".join(sorted(items | {":"})) + "]"
    lead = "[" + re.escape(_LEAD) + "]"
    return re.compile(f"(?:{lead}{alphabet}*)?\\d(?:{alphabet}*[\\d#])?", pattern.flags)


def _class_items(tree) -> set[str]:
    """Every character and class of a parsed pattern, as the items of one character class."""
    constants = re._constants  # type: ignore[attr-defined]
    found: set[str] = set()
    for op, value in tree:
        if op is constants.LITERAL:
            found.add(_char(value))
        elif op is constants.IN:
            found |= {_class_item(item_op, item) for item_op, item in value}
        elif op is constants.SUBPATTERN:
            found |= _class_items(value[3])
        elif op is constants.BRANCH:
            for branch in value[1]:
                found |= _class_items(branch)
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
            found |= _class_items(value[2])
        else:
            raise ValueError(f"not a character or class: {op}")
    return found


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _class_item(op, value) -> str:
    constants = re._constants  # type: ignore[attr-defined]
    if op is constants.LITERAL:
        return _char(value)
    if op is constants.RANGE:
        return f"{_char(value[0])}-{_char(value[1])}"
    if op is constants.CATEGORY and value is constants.CATEGORY_DIGIT:
        return r"\d"
    raise ValueError(f"not a character of a class: {op} {value}")


class Sieve:
    """Could a text or a path hold one of the identifiers whose hashes are given?"""

    def __init__(self, salt: str, *, ids: set[str], emails: set[str], names: set[str], name_keys: set[str],
                 phones: set[str], parts: set[str], words: set[str] | None, region: str) -> None:
        self.ids = _Lookup(salt, ids)
        self.emails = _Lookup(salt, emails)
        self.names = _Lookup(salt, names)
        self.name_keys = _Lookup(salt, name_keys)
        self.phones = _Lookup(salt, phones)
        self.parts = _Lookup(salt, parts)
        self.words = None if words is None else _Lookup(salt, words)
        self.any_name = bool(names or name_keys)
        self.regions = _PhoneRegions(region) if phones else None
        self._clean_segments: set[str] = set()

    def text_may_hold(self, text: str) -> bool:
        """False only when `Hashes.text_places(text)` is empty."""
        lowered = text.lower() if text.isascii() else "\n".join(normalise(line) for line in text.split("\n"))
        if self.ids.wanted and self.ids.any_in(set(TOKEN.findall(lowered))):
            return True
        if self.emails.wanted and "@" in lowered:
            found = {m.strip(".") for run in lowered.split() if "@" in run for m in EMAIL_LIKE.findall(run)}
            if self.emails.any_in(found):
                return True
        if self.any_name and self._names_in(WORD.findall(lowered)):
            return True
        return self.regions is not None and self._phones_in(text)

    def _names_in(self, words: list[str]) -> bool:
        """A run of two to six words that are all words of the name and hash to the name,
        as written or order-free (`Hashes._name_kind`)."""
        if len(words) < 2:
            return False
        if self.words is None:  # an older log entry without word hashes: any word may be one
            starts: Iterable[int] = range(len(words))
            named = None
        else:
            named = self.words.hits_in(set(words))
            if not named:
                return False
            starts = [i for i, word in enumerate(words) if word in named]
        for start in starts:
            for length in range(2, min(LONGEST_RUN, len(words) - start) + 1):
                run = words[start:start + length]
                if named is not None and run[-1] not in named:
                    break
                if self.names.any_in({" ".join(run)}) or self.name_keys.any_in({" ".join(sorted(run))}):
                    return True
        return False

    def _phones_in(self, text: str) -> bool:
        flat = _SPACES.sub(" ", text)  # what identifiers.Flat makes of it
        if PHONE_FIRST_LOOK.search(flat) is None:
            return False
        assert self.regions is not None
        return self.phones.any_in(self.regions.numbers(flat))

    def path_may_hold(self, path: str) -> bool:
        """False only when `Hashes._path_spans(path)` is empty."""
        lowered = path.lower()
        if self.ids.wanted and self._ids_in_path(lowered):
            return True
        if self.emails.wanted and "@" in lowered:
            if self.emails.any_in({normalise(m.strip(".")) for m in EMAIL_LIKE.findall(lowered)}):
                return True
        if path.isascii():
            keys = PATH_WORD.findall(lowered)
        else:
            keys = [normalise(word) for word in PATH_WORD.findall(path)]
        if self.any_name and self._names_in(keys):
            return True
        if self.parts.wanted and parts_count_in(path):
            runs = {" ".join(keys[start:start + length]) for start in range(len(keys))
                    for length in range(1, min(LONGEST_RUN, len(keys) - start) + 1)}
            if self.parts.any_in(runs):
                return True
        return False

    def _ids_in_path(self, lowered: str) -> bool:
        """Each segment's runs of up to eight pieces between "-", "_" and "." (an id also
        inside a longer slug); a folder's segment is looked at once."""
        for segment in lowered.split("/"):
            if not segment or segment in self._clean_segments:
                continue
            pieces = [(m.start(), m.end()) for m in PATH_PIECE.finditer(segment)]
            windows = {segment[pieces[a][0]:pieces[b][1]] for a in range(len(pieces))
                       for b in range(a, min(a + 8, len(pieces)))}
            if not segment.isascii() or _SPACE.search(segment):
                windows = {normalise(window) for window in windows}
            if self.ids.any_in(windows):
                return True
            if len(self._clean_segments) > MEMO_LIMIT:
                self._clean_segments = set()
            self._clean_segments.add(segment)
        return False
