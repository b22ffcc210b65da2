"""P021: a commit message on the branch does not contain a person's name or email address.

Commit messages stay in git history, in every clone and in the forge's web pages: erasing a
person (Art. 17) from them means rewriting history. Data protection by design (Art. 25(1))
keeps personal data out of them: "Add alderman of Almere", not "Add Jan Jansen". Before a
branch is merged a message is easily reworded; afterwards only a history rewrite helps, so
the rule looks at the commits of the branch being checked: those reachable from HEAD but from
no remote-tracking branch (`git log HEAD --not --remotes`), at most 500. When the repository
has no remote at all, that set cannot be told apart from history that was always there, and
the rule stays silent; so it does outside a git repository. A CI checkout of a pull request
often sits on a remote-tracking ref itself (GitHub's `refs/remotes/pull/N/merge`), and then
finds nothing either: that case needs the pull request's base revision, which the function
reading the commits accepts, for `--changed-since REV` to pass.

The judgement, low on false alarms: a message (accents stripped, case ignored) names a person
when it contains their full name, a given name followed by the family name, with or without
the prefix ("Jan Jansen", "Anna van der Berg", "Anna Berg"), or one of their email addresses.
A family name or a given name alone is not enough (too many words are someone's family name),
nor are initials. The trailer lines `Signed-off-by:` and `Co-authored-by:` are skipped: they
name the commit's authors, whom git records anyway (other trailers, such as `Reported-by:`,
are checked like the rest of the message).

The finding is on the person's file and names the commit by its short hash, never the name
itself, so the check's output (a CI log) does not repeat the personal data.

Passing::

    git log: "Add the new alderman of Almere (p-7k2m9q)"

Failing (``name: {given: Jan, family: Jansen}``)::

    git log: "Add Jan Jansen, new alderman of Almere"
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Iterator

from ..findings import Finding
from ..git.run import run as git
from ..i18n import N_, _
from .base import RepoContext, Rule
from ..domain.personal_data import plain as _plain

RULE = Rule("P021", "warning", N_("A commit message must not contain a person's name or email address"),
            "repository", "Art. 25(1)")

MAX_COMMITS = 500
SHORT_HASH = 8
SHOWN_COMMITS = 5  # a finding lists this many hashes, then "and N more"
_TRAILER = re.compile(r"^[ \t]*(?:Signed-off-by|Co-authored-by):.*$", re.MULTILINE | re.IGNORECASE)
_EMAIL = re.compile(r"[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}")
_SEPARATOR = r"[\s._-]+"


def commits_to_check(root: Path, base: str | None = None) -> list[tuple[str, str]]:
    """The commits of the branch being checked, newest first, as (hash, message).

    Without `base`: reachable from HEAD and not from any remote-tracking branch; nothing when the
    repository has no remote. With `base` (a revision): reachable from HEAD and not from `base`.
    Nothing when `root` is not in a git repository or git fails (no commit yet, unknown base).
    """
    if base is not None and (not base or base.startswith("-")):
        return []  # not a revision: never let it be read as an option of git log
    if base is not None:
        exclude = ["--not", base]
    elif (git(root, "remote") or "").strip():
        exclude = ["--not", "--remotes"]
    else:
        return []
    output = git(root, "log", "HEAD", *exclude, f"--max-count={MAX_COMMITS}", "--format=%H%x00%B%x1e", "--")
    if output is None:
        return []
    commits = []
    for entry in output.split("\x1e"):
        sha, _nul, message = entry.strip("\n").partition("\x00")
        if sha:
            commits.append((sha.strip(), message))
    return commits


def _words(text: object) -> list[str]:
    return re.findall(r"[a-z0-9]+", _plain(text)) if isinstance(text, str) else []


def name_key(name: object) -> str | None:
    """The last word of the family name: only messages with this word are searched further."""
    if not isinstance(name, dict) or not any(len(w) >= 2 for w in _words(name.get("given"))):
        return None
    family = _words(name.get("family"))
    return family[-1] if family and len("".join(family)) >= 2 else None


def name_pattern(name: object) -> tuple[str, re.Pattern] | None:
    """The family name's last word (see `name_key`) and a pattern for the full name: every
    given-name word followed by the family name, with or without the prefix."""
    key = name_key(name)
    if key is None or not isinstance(name, dict):  # name_key gives a key for a mapping only
        return None
    given, prefix, family = _words(name.get("given")), _words(name.get("prefix")), _words(name.get("family"))
    given = [w for w in given if len(w) >= 2]
    join = lambda words: _SEPARATOR.join(re.escape(w) for w in words)  # noqa: E731
    surnames = {join(family)} | ({join(prefix + family)} if prefix else set())
    firsts = {join(given)} | {re.escape(w) for w in given}
    pattern = (rf"(?<![a-z0-9])(?:{'|'.join(sorted(firsts))}){_SEPARATOR}"
               rf"(?:{'|'.join(sorted(surnames))})(?![a-z0-9])")
    return key, re.compile(pattern)


def _emails(person) -> set[str]:
    result = set()
    emails = person.get("emails")
    for item in emails if isinstance(emails, list) else []:
        address = item.get("address") if isinstance(item, dict) else None
        if isinstance(address, str) and "@" in address:
            result.add(_plain(address.strip()))
    return result


def findings_for(ctx: RepoContext, commits: list[tuple[str, str]]) -> Iterator[Finding]:
    """The people named in `commits`' messages, one finding per person."""
    by_family: dict[str, list] = defaultdict(list)
    by_email: dict[str, list] = defaultdict(list)
    for person in ctx.model.of("people"):
        key = name_key(person.get("name"))
        if key:
            by_family[key].append(person)
        for address in _emails(person):
            by_email[address].append(person)
    patterns: dict[str, re.Pattern] = {}  # compiled only for people whose family name occurs
    hits: dict[str, dict] = {}  # person path → {"commits": [hash, ...], "kinds": {"name", "email"}}
    for sha, message in commits:
        text = _plain(_TRAILER.sub("", message))
        words = set(re.findall(r"[a-z0-9]+", text))
        for word in words & by_family.keys():
            for person in by_family[word]:
                if person.path not in patterns:
                    named = name_pattern(person.get("name"))
                    assert named is not None  # by_family holds only people whose name has a name_key
                    patterns[person.path] = named[1]
                if patterns[person.path].search(text):
                    _hit(hits, person, sha, "name")
        for address in set(_EMAIL.findall(text)) & by_email.keys():
            for person in by_email[address]:
                _hit(hits, person, sha, "email")
    for path in sorted(hits):
        hit = hits[path]
        shown = [sha[:SHORT_HASH] for sha in hit["commits"][:SHOWN_COMMITS]]
        listing = ", ".join(shown)
        if len(hit["commits"]) > SHOWN_COMMITS:
            listing += " " + _("and {count} more").format(count=len(hit["commits"]) - SHOWN_COMMITS)
        kinds = hit["kinds"]
        message = (_("Commit messages on this branch contain this person's name and email address: {commits}.")
                   if kinds == {"name", "email"} else
                   _("Commit messages on this branch contain this person's name: {commits}.")
                   if kinds == {"name"} else
                   _("Commit messages on this branch contain this person's email address: {commits}."))
        yield RULE.finding(
            path, (1, 1), message.format(commits=listing),
            _("Reword these commits before merging (`git rebase -i`, mark them `reword`) and refer to the person "
              "by id or function instead. Once merged, only a rewrite of the shared history removes it."))


def _hit(hits: dict, person, sha: str, kind: str) -> None:
    hit = hits.setdefault(person.path, {"commits": [], "kinds": set()})
    if sha not in hit["commits"]:
        hit["commits"].append(sha)
    hit["kinds"].add(kind)


def check(ctx: RepoContext) -> Iterator[Finding]:
    commits = commits_to_check(ctx.locator.root, ctx.base)
    if commits:
        yield from findings_for(ctx, commits)
