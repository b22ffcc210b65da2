"""The history rewrite of `purge.py`, in its own process: git-filter-repo as a library.

Run as `python -m crmtool.subject.purge_worker` in the repository, with the plan (JSON) on
standard input; the plan holds the identifiers in clear, which is why it travels through a
pipe and never through a file. git-filter-repo changes the working directory and the
process's state as it goes; a process of its own keeps that away from crmtool.

Every callback uses `identifiers.Identifiers`, the same matching as `subject erase` and
`verify-erased`: what the proof looks for is exactly what the rewrite removes.
"""
from __future__ import annotations

import json
import re
import sys

import git_filter_repo as fr

from .identifiers import REMOVED, Identifiers
from .purge import generated


def _text(data: bytes) -> tuple[str, str] | None:
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def main() -> int:
    plan = json.loads(sys.stdin.read())
    raw = plan["identifiers"]
    ids = Identifiers(tuple(raw["ids"]), tuple(raw["emails"]), tuple(tuple(n) for n in raw["names"]),
                      tuple(raw["phones"]), tuple(raw["parts"]), raw["region"])
    remove = set(plan["remove"])
    renamed = plan["renamed"]
    marker = plan["marker_path"]
    stems = plan["stems"]
    stem_pattern = (re.compile(r"(?<![\w.-])(" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
                               + r")(?![\w-])") if stems else None)
    emails = {e.lower() for e in ids.emails}

    def redact(data: bytes) -> bytes:
        decoded = _text(data)
        if decoded is None:
            return data
        text, encoding = decoded
        if stem_pattern is not None:
            text = stem_pattern.sub(lambda m: stems[m.group()], text)
        text, _count = ids.redact(text)
        return text.encode(encoding, "replace") if encoding != "utf-8" else text.encode("utf-8")

    def rename(value: str) -> str:
        spans = ids.path_spans(value)
        for start, end, _kind in sorted(spans, reverse=True):
            value = value[:start] + marker + value[end:]
        return value

    def blob_callback(blob, _metadata) -> None:
        blob.data = redact(blob.data)

    def filename_callback(name: bytes) -> bytes | None:
        path = name.decode("utf-8", "surrogateescape")
        if path in remove or generated(path):
            return None
        if path in renamed:
            return renamed[path].encode("utf-8", "surrogateescape")
        return rename(path).encode("utf-8", "surrogateescape")

    def message_callback(message: bytes) -> bytes:
        return redact(message)

    def name_callback(name: bytes) -> bytes:
        text = name.decode("utf-8", "replace")
        return REMOVED.encode() if ids.spans(text) else name

    def email_callback(email: bytes) -> bytes:
        return b"removed@invalid" if email.decode("utf-8", "replace").lower() in emails else email

    def refname_callback(ref: bytes) -> bytes:
        return rename(ref.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")

    args = fr.FilteringOptions.parse_args(["--force", "--quiet"])
    fr.RepoFilter(args, blob_callback=blob_callback, filename_callback=filename_callback,
                  message_callback=message_callback, name_callback=name_callback, email_callback=email_callback,
                  refname_callback=refname_callback).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
