"""The one place that runs git: every git process of crmtool starts here.

Four shapes, for what callers need:

- `run`: git's output as text, or None when it cannot be had (no git executable, a folder
  outside any git repository, a failing command): callers decide whether that is an error or
  a slower path;
- `run_bytes`: git's raw output, with input on stdin (`cat-file --batch` reads every wanted
  object in one process instead of one process per object), or None;
- `stream`: a long output read as it comes (`cat-file --batch-all-objects --batch` over a
  large history), never held in memory whole;
- `checked`: git's output as text, or `GitError` carrying git's own words on stderr, for the
  callers that must tell the user why git failed (purging the history, the proof of erasure).

Only git's own commands are used, through plain `subprocess` (docs/decisions.md, "Git through
one runner": GitPython cost a tenth of a second to import and a repository lookup per call,
and gave nothing over this). No shell is involved, and git's input is closed unless given,
so no command waits on the terminal. Text is decoded as UTF-8 with undecodable bytes kept as
surrogates, as GitPython did: a path or name in another encoding comes through intact.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class GitError(Exception):
    """git could not be run, or ended with an error; `stderr` holds what it said why, `status`
    git's exit status (None when git could not be started)."""

    def __init__(self, command: str, stderr: str, status: int | None = None) -> None:
        super().__init__(f"git {command}: {stderr}")
        self.command = command  # the first argument, as the callers' messages name it
        self.stderr = stderr
        self.status = status


def run(root: Path, *args: str) -> str | None:
    """git's output for `args`, run in `root`, or None when it cannot be had.

    None also outside any git repository, even for a command git would answer there (`git
    config user.email` falls back to the user's global settings): a folder that is not in git
    has no git answers.
    """
    if not in_repository(root):
        return None
    output = run_bytes(root, *args)
    return None if output is None else _text(output)


def run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's raw output for `args`, run in `root` with `stdin` as its input, or None when it
    cannot be had.

    For output that need not be UTF-8 (blob contents, author names written in another
    encoding), which the caller decodes.
    """
    try:
        done = subprocess.run(_command(root, args), input=stdin, capture_output=True, check=False,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
    except OSError:  # no git executable, or `root` is gone
        return None
    return done.stdout if done.returncode == 0 else None


def checked(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """git's output for `args`, run in `root` with `env` added to the environment; `GitError`
    with git's stderr when git fails or cannot be started."""
    command = args[0] if args else ""
    try:
        done = subprocess.run(_command(root, args), stdin=subprocess.DEVNULL, capture_output=True, check=False,
                              env={**os.environ, **env} if env else None)
    except OSError as error:
        raise GitError(command, error.strerror or str(error)) from error
    if done.returncode != 0:
        raise GitError(command, _text(done.stderr).strip(), done.returncode)
    return _text(done.stdout)


@contextmanager
def stream(root: Path, *args: str, stdin: IO[bytes] | None = None) -> Iterator[IO[bytes]]:
    """git's output for `args`, run in `root`, as a binary stream read while git writes it.

    Leaving the block closes the stream and waits for git; a reader that stops early ends git
    (it gets a broken pipe). git's errors are not reported: a failing command gives a short or
    empty stream, and callers that need to know ask with `checked` first. `GitError` when git
    cannot be started.
    """
    try:
        process = subprocess.Popen(_command(root, args), stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as error:
        raise GitError(args[0] if args else "", error.strerror or str(error)) from error
    stdout = process.stdout
    assert stdout is not None  # stdout=PIPE
    try:
        yield stdout
    finally:
        stdout.close()
        process.wait()


def cat_file_all(root: Path, skip: tuple[str, ...] = ()) -> Iterator[tuple[str, str, bytes]]:
    """(object name, type, content) of every object in the repository's object store, reachable
    or not, one at a time (`git cat-file --batch-all-objects --batch`), in the order of their
    names. Objects of a type in `skip` (trees: a large folder's tree comes again with every
    commit that changes a file in it) are listed first and not read at all."""
    if not skip:
        with stream(root, "cat-file", "--batch-all-objects", "--batch") as output:
            yield from _batch_objects(output)
        return
    with tempfile.TemporaryFile() as names:
        with stream(root, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)") as listed:
            for line in listed:
                name, _space, kind = line.rstrip(b"\n").partition(b" ")
                if kind.decode() not in skip:
                    names.write(name + b"\n")
        names.seek(0)
        with stream(root, "cat-file", "--batch", stdin=names) as output:
            yield from _batch_objects(output)


def _batch_objects(output: IO[bytes]) -> Iterator[tuple[str, str, bytes]]:
    while True:
        header = output.readline()
        if not header:
            break
        parts = header.decode().split()
        if len(parts) < 3:
            continue  # "<name> missing": nothing follows
        data = output.read(int(parts[2]))
        output.read(1)  # the newline after each object
        yield parts[0], parts[1], data


def in_repository(root: Path) -> bool:
    """Whether `root` is in a git repository (a work tree, a linked work tree or submodule with
    a `.git` file, or a bare repository), found upwards as git finds it, without starting git."""
    folder = Path(os.path.abspath(root))
    if not folder.is_dir():
        return False
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.is_file() or _is_git_dir(dot_git) or _is_git_dir(candidate):
            return True
    return False


def _is_git_dir(folder: Path) -> bool:
    return (folder / "HEAD").exists() and (folder / "objects").is_dir() and (folder / "refs").is_dir()


def _command(root: Path, args: tuple[str, ...]) -> list[str]:
    return ["git", "-C", str(root), *args]


def _text(output: bytes) -> str:
    return output.decode("utf-8", "surrogateescape")
