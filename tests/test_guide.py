"""The staff guide (docs/guide/) cannot drift from the tool: every command it tells staff to
type exists with the options it uses, both languages have the same chapters, every relative
link resolves, and every rule id it quotes is a rule.

Staff copy commands from the guide verbatim; a renamed option would otherwise only surface
as "No such option" on a colleague's screen, long after the change that broke it."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.rules import RULES

from .conftest import PROJECT

GUIDE = PROJECT / "docs" / "guide"
LANGUAGES = ("en", "nl")
FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
RULE_ID = re.compile(r"\b([YSRTPQW]\d{3})\b")
SHELL_OPERATORS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "2>&1", "&"}


def guide_files() -> list[Path]:
    return sorted(GUIDE.rglob("*.md"))


def code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines inside fenced code blocks, with their line numbers."""
    lines, inside = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            inside = not inside
        elif inside:
            lines.append((number, line))
    return lines


def crmtool_commands() -> list[tuple[str, list[str]]]:
    """Every code-block line that starts with `crmtool `, as (where, words after `crmtool`).

    A comment after `#` and anything after a shell operator (`|`, `>`, `&&`) is not part of
    the crmtool command."""
    found = []
    for path in guide_files():
        for number, line in code_lines(path):
            text = line.strip()
            if not text.startswith("crmtool "):
                continue
            words = shlex.split(text, comments=True)[1:]
            for index, word in enumerate(words):
                if word in SHELL_OPERATORS:
                    words = words[:index]
                    break
            found.append((f"{path.relative_to(PROJECT)}:{number}", words))
    return found


def resolve(words: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """Walk the click groups along the words: (command path, command, the words left)."""
    command: click.Command = cli
    path: list[str] = []
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.commands.get(words[0])
        if sub is None:
            raise LookupError(f"'crmtool {' '.join(path + [words[0]])}' is not a command")
        command, path, words = sub, path + [words[0]], words[1:]
    return path, command, words


def options_of(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        names.update(param.opts)
        names.update(param.secondary_opts)
    return names


def wrong_values(command: click.Command, words: list[str]) -> list[str]:
    """Values the command would refuse: a value outside an option's or an argument's choices
    (`--format markdwon`, `import cvs`). Other values (ids, dates, paths) depend on the
    repository they are typed in, so they are not judged here."""
    options = {name: param for param in command.params if isinstance(param, click.Option)
               for name in param.opts}
    arguments = [param for param in command.params if isinstance(param, click.Argument)]
    problems, index, position = [], 0, 0
    while index < len(words):
        word = words[index]
        name, _, inline = word.partition("=")
        param = options.get(name) if word.startswith("-") else None
        if param is not None and not (param.is_flag or param.count):
            value = inline or (words[index + 1] if index + 1 < len(words) else "")
            index += 0 if inline else 1
        elif param is None and not word.startswith("-") and position < len(arguments):
            param, value = arguments[position], word
            position += 0 if arguments[position].nargs == -1 else 1
        else:
            param = None
        if param is not None and isinstance(param.type, click.Choice) and value not in param.type.choices:
            label = param.name.upper() if isinstance(param, click.Argument) else name
            problems.append(f"{label} {value!r} (choose from {', '.join(param.type.choices)})")
        index += 1
    return problems


def test_the_guide_exists_in_both_languages_with_the_same_chapters():
    chapters = {}
    for language in LANGUAGES:
        folder = GUIDE / language
        assert (folder / "README.md").is_file(), f"{folder}/README.md (the index page) is missing"
        chapters[language] = sorted(p.name for p in folder.glob("*.md"))
    assert chapters["en"] == chapters["nl"]
    assert len(chapters["en"]) >= 9, chapters["en"]      # the index and eight chapters


def test_every_chapter_is_linked_from_its_index_page():
    for language in LANGUAGES:
        index = (GUIDE / language / "README.md").read_text(encoding="utf-8")
        for chapter in sorted((GUIDE / language).glob("*.md")):
            if chapter.name != "README.md":
                assert f"({chapter.name})" in index, f"{language}/README.md does not link {chapter.name}"


def test_the_guide_has_commands_to_check():
    commands = crmtool_commands()
    assert len(commands) > 50, len(commands)
    assert {words[0] for _, words in commands} >= {"check", "new", "review", "end-role", "subject"}


@pytest.mark.parametrize("where, words", crmtool_commands(), ids=lambda value: value if isinstance(value, str) else "")
def test_every_command_in_the_guide_exists_with_its_options(where, words):
    try:
        path, command, rest = resolve(words)
    except LookupError as error:
        pytest.fail(f"{where}: {error}")
    assert path, f"{where}: no command after 'crmtool'"
    known = options_of(command)
    for word in rest:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            assert option in known, f"{where}: 'crmtool {' '.join(path)}' has no option {option}"
    assert not wrong_values(command, rest), f"{where}: 'crmtool {' '.join(path)}' refuses {wrong_values(command, rest)}"


def test_resolve_refuses_what_does_not_exist():
    """The walk above can fail: an unknown command and an unknown option are caught."""
    with pytest.raises(LookupError):
        resolve(["no-such-command"])
    with pytest.raises(LookupError):
        resolve(["query", "no-such-question"])
    path, command, rest = resolve(["query", "mayor", "Almere", "--on", "2025-12-01"])
    assert path == ["query", "mayor"] and rest == ["Almere", "--on", "2025-12-01"]
    assert "--on" in options_of(command) and "--no-such-option" not in options_of(command)
    _, review, rest = resolve(["review", "--format", "markdwon", "--days", "7"])
    [problem] = wrong_values(review, rest)
    assert problem.startswith("--format 'markdwon' (choose from ") and "markdown" in problem
    _, export, rest = resolve(["export", "cvs", "--purpose", "newsletter"])
    [problem] = wrong_values(export, rest)
    assert "'cvs' (choose from " in problem and "csv" in problem
    assert wrong_values(review, ["--format", "markdown", "--days", "7"]) == []


def anchors(path: Path) -> set[str]:
    """GitHub's ids for the headings of a Markdown file."""
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).lower().replace("`", ""))
            ids.add(text.replace(" ", "-"))
    return ids


def test_every_relative_link_in_the_guide_resolves():
    broken = []
    for path in guide_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):       # https:, mailto:
                    continue
                file_part, _, anchor = target.partition("#")
                linked = (path.parent / file_part).resolve() if file_part else path
                where = f"{path.relative_to(PROJECT)}:{number}: {target}"
                if not linked.exists():
                    broken.append(f"{where} (no such file)")
                elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                    broken.append(f"{where} (no such heading)")
    assert not broken, "\n".join(broken)


def test_every_rule_id_in_the_guide_is_a_rule():
    unknown = []
    for path in guide_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            unknown += [f"{path.relative_to(PROJECT)}:{number}: {rule}"
                        for rule in RULE_ID.findall(line) if rule not in RULES]
    assert not unknown, "\n".join(unknown)


def test_the_commands_the_guide_starts_with_answer_help():
    """Through click in this process, and once as staff run it: a real `python3 -m crmtool`."""
    runner = CliRunner()
    for words in (["check"], ["review"], ["query", "follow-up"], ["subject", "export"]):
        result = runner.invoke(cli, [*words, "--help"])
        assert result.exit_code == 0, (words, result.output)
    done = subprocess.run([sys.executable, "-m", "crmtool", "rules"], cwd=PROJECT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for rule in ("P001", "Q005", "T002", "W002"):            # rules the guide explains
        assert rule in done.stdout
