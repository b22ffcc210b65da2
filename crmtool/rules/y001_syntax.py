"""Y001: the file must be readable YAML text.

Covers syntax errors, files that are not UTF-8 text, binary files, files too large or nested
too deeply to be a record, and keys that are not plain text. libyaml's own wording is
replaced by plain words and a hint wherever the cause is a common one.

Passing::

    name: {given: Jan, family: Jansen}

Failing (a tab used for indentation)::

    name:
    <TAB>family: Jansen
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.texts import excerpt
from .base import FileContext, Rule

RULE = Rule("Y001", "error", N_("The file must be readable YAML text"), "file", "YAML safety")

# What the loader found behind libyaml's problem (`cause`, read from the text around it) →
# (message, hint): the common mistakes, said the way staff make them.
_CAUSES = {
    "tab": (N_("A tab is used for indentation here; YAML allows only spaces."),
            N_("Replace the tab at the start of this line with spaces (most editors can show and convert tabs).")),
    "no-space-after-colon": (
        N_("A colon without a space after it: YAML reads 'key:value' as one piece of text, not as a key and a value."),
        N_("Put a space after the colon ('key: value'); if the colon belongs to the text, put the value in quotes.")),
    "colon-in-value": (
        N_("A second ': ' in a value: YAML reads it as the start of a new key, where none can start."),
        N_("Put the whole value in quotes, for example title: \"Overleg: warmtenet\".")),
    "indentation": (
        N_("This line is indented under a value that is not a mapping, so its key cannot start here."),
        N_("Indent the line like the keys above it, or put the key above it on a line of its own ('key:' with "
           "nothing after the colon).")),
    "unclosed-quote": (
        N_("The quote that opens here is never closed."),
        N_("Close the quote at the end of the value. Inside single quotes write a quote twice (It''s); inside "
           "double quotes write \\\".")),
    "text-after-quote": (
        N_("Text follows the closing quote of a value."),
        N_("Put the whole value inside the quotes, or remove what follows the closing quote.")),
    "control-character": (
        N_("The file holds a control character ({character}) that YAML does not allow."),
        N_("Remove the character; it often comes with text pasted from another program.")),
}
_CHARACTER = (N_("A value cannot start with '{character}' unless it is in quotes."),
              N_("Put the value in quotes, for example \"{character}...\"."))

# libyaml's problem text → (message, hint), most specific first.
_SYNTAX = (
    ("mapping values are not allowed",
     N_("A colon followed by a space starts a new key here, where no key can start."),
     N_("If the colon belongs to the text, put the whole value in quotes; "
        "otherwise check the indentation of this line.")),
    ("expected a single document",
     N_("The file holds more than one YAML document (a second '---' line)."),
     N_("Keep one record per file: remove the second '---' and move what follows into a file of its own.")),
    ("did not find expected key",
     N_("The indentation here does not line up with the lines above."),
     N_("Indent every key of one mapping by the same number of spaces.")),
    ("could not find expected ':'",
     N_("A key is not followed by a colon, or a value runs onto the next line."),
     N_("Write 'key: value' on one line, or put a long value in quotes.")),
    ("found unexpected end of stream",
     N_("A quote or bracket opened here is never closed."),
     N_("Close the quote or bracket that was opened, or remove it.")),
    ("did not find expected ',' or ']'",
     N_("A list in square brackets is not closed, or two items lack a comma between them."),
     N_("Separate items with ', ' and close the list with ']'.")),
    ("did not find expected ',' or '}'",
     N_("A mapping in curly brackets is not closed, or two entries lack a comma between them."),
     N_("Separate entries with ', ' and close the mapping with '}'.")),
    ("block sequence entries are not allowed",
     N_("A list item ('- ') starts where a value was expected on the same line."),
     N_("Put the list on the lines below the key, each item indented and starting with '- '.")),
    ("tab character",
     N_("A tab is used for indentation here; YAML allows only spaces."),
     N_("Replace the tab at the start of this line with spaces (most editors can show and convert tabs).")),
    ("found character that cannot start any token",
     N_("This line starts with a character that YAML cannot read here (often a tab)."),
     N_("Indent with spaces, never tabs; if the value starts with '@', '`' or '%', put it in quotes.")),
    ("found unknown escape character",
     N_("A backslash inside double quotes starts an escape that YAML does not know (such as \\q)."),
     N_("Write a backslash as \\\\ inside double quotes, or use single quotes.")),
    ("found undefined alias",
     N_("A '*' at the start of a value makes it a reference to an anchor (an alias)."),
     N_("If the '*' belongs to the text, put the value in quotes.")),
    ("while scanning an anchor",
     N_("A '&' at the start of a value makes it an anchor."),
     N_("If the '&' belongs to the text, put the value in quotes.")),
    ("did not find expected '-' indicator",
     N_("A list item ('- ') is expected here: the line is indented like the items of the list above."),
     N_("Start the line with '- ' if it is an item, or indent it like the key it belongs to.")),
    ("did not find expected node content",
     N_("A value is missing here, or it starts with a character that needs quotes (such as ']', '}' or ',')."),
     N_("Fill in the value, or put it in quotes.")),
    ("while scanning a block scalar",
     N_("After '|' or '>' only a number or '-'/'+' may follow on the same line."),
     N_("Start the text on the next line, indented; if the value starts with '|' or '>', put it in quotes.")),
    ("found unknown directive name",
     N_("A line that starts with '%' is a YAML directive, which records do not use."),
     N_("Remove the line, or put the value that starts with '%' in quotes.")),
    ("while scanning a tag",
     N_("A '!' at the start of a value makes it a tag."),
     N_("If the '!' belongs to the text, put the value in quotes.")),
)

_OTHER = {
    "encoding": (N_("The file is not UTF-8 text."),
                 N_("Save the file with the UTF-8 encoding (most editors offer this under 'Save with encoding').")),
    "binary": (N_("The file holds binary data, not YAML text."),
               N_("Records are text files: replace this file with the YAML record, or remove it.")),
    "too-large": (N_("The file is {size} bytes; a record is never larger than {limit} bytes."),
                  N_("Split the content into records of their own, or move the file out of records/.")),
    "too-deep": (N_("The file nests more than {limit} levels deep."),
                 N_("Records nest a few levels at most: check the brackets and the indentation.")),
    "complex-key": (N_("A key must be plain text, not a list or a mapping."),
                    N_("Write the key as a single word followed by a colon.")),
}


def check_file(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.doc.problems:
        if problem.kind == "syntax":
            message, hint = _plain(problem.detail.get("problem", ""), problem.detail.get("context", ""),
                                   problem.detail.get("cause"), problem.detail.get("character", ""))
        elif problem.kind in _OTHER:
            message, hint = (_(text).format(**problem.detail) for text in _OTHER[problem.kind])
        else:
            continue
        yield RULE.finding(ctx.path, (problem.line, problem.column), message, hint)


def _plain(problem: str, context: str = "", cause: str | None = None, character: str = "") -> tuple[str, str]:
    """Plain words for a syntax error: by the cause the loader found, else by libyaml's own
    problem text; only a problem nobody has seen before is quoted as libyaml says it."""
    if cause in _CAUSES:
        message, hint = _CAUSES[cause]
        return _(message).format(character=character), _(hint).format(character=character)
    if cause and cause.startswith("character:"):
        shown = cause.split(":", 1)[1]
        return _(_CHARACTER[0]).format(character=shown), _(_CHARACTER[1]).format(character=shown)
    for needle, message, hint in _SYNTAX:
        if needle in problem or needle in context:
            return _(message), _(hint)
    return (_("The file is not valid YAML here (the YAML reader says: {problem}).").format(problem=excerpt(problem)),
            _("Compare this line with a record that works, for indentation, colons and quotes."))
