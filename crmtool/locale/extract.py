"""Babel extractor for the JSON Schemas' `title` and `description` strings (crmtool/locale/babel.cfg).

The workspace's forms take their labels (`title`) and help (`description`) from the schemas,
so both are message ids, translated in the one catalogue like any other message. The schemas
stay the one source of the English text, and both keywords stay plain strings, as the editors
that read a record's `$schema` line expect. A repository's own schema text that the catalogue
does not know shows as written.

Only pybabel and the i18n test call this; it imports nothing of crmtool.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

TEXTS = ("title", "description")
"""The keywords whose string values are messages."""
VALUES = ("const", "enum", "default", "examples")
"""Keywords whose contents are data, never words to translate (an enum value `title` is a value)."""


def schema_texts(node: Any) -> Iterator[str]:
    """Every `title` and `description` string in a schema, in document order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXTS and isinstance(value, str):
                if value:
                    yield value
            elif key not in VALUES:
                yield from schema_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from schema_texts(item)


def extract_schema_texts(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list]]:
    """The extractor pybabel calls with a schema file (`[schema_texts: schemas/*.json]`)."""
    for text in schema_texts(json.loads(fileobj.read().decode("utf-8"))):
        yield 0, None, text, []
