"""Reading many record files in a row, as `repo.read_regular` reads one, with fewer system calls.

`read_regular` opens the repository's root and every folder on the way to a file, each with
O_NOFOLLOW, for every file: four opens and four closes for `records/people/p-x.yaml`. The
per-file phase reads files folder by folder, so `FolderReader` keeps the last folder it opened
that way and opens only the file relative to it (O_NOFOLLOW, O_NONBLOCK, fstat before reading:
the same refusals). A folder swapped for a link while it is open is not followed either: the
open folder is the one that was there, not wherever a link points.

It also hands back the file's stat, taken from the open file, so the check can name what it
read (the blob hash of those very bytes, and the stat key of that very file) without a second
pass over the tree. Anything unusual (a path with `.` or `..`, a link, a pipe, a folder that
cannot be opened) is left to `read_regular`, which refuses it exactly as before.
"""
from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG

from .repo import read_regular
from .repo import _DIRECTORY_FLAGS, _OPEN_FLAGS, _ROOT_FLAGS  # the one definition of how the tool opens


class FolderReader:
    """Reads files under one root; `close()` (or the end of a `with`) closes the open folder."""

    def __init__(self, root: Path | str) -> None:
        self.root = str(root)
        self.folder: str | None = None
        self.fd = -1

    def read(self, rel: str) -> tuple[bytes, os.stat_result | None]:
        """The bytes of the regular file at `rel`, and its stat when read here (None when
        `read_regular` read it); raises what `read_regular` raises."""
        folder, _, name = rel.rpartition("/")
        if name in ("", ".", ".."):
            return read_regular(self.root, rel), None
        try:
            if folder != self.folder or self.fd < 0:
                self._open(folder)
            fd = os.open(name, _OPEN_FLAGS, dir_fd=self.fd)
        except (OSError, ValueError):
            return read_regular(self.root, rel), None
        try:
            stat = os.fstat(fd)
            if not S_ISREG(stat.st_mode):
                raise OSError
            chunks = []
            size = stat.st_size + 1  # os.read allocates what it is asked for: a MiB per call was most of the cost
            while True:
                chunk = os.read(fd, size)
                if not chunk:
                    break
                chunks.append(chunk)
                size = 1 << 16
        except OSError:
            return read_regular(self.root, rel), None
        finally:
            os.close(fd)
        return b"".join(chunks), stat

    def _open(self, folder: str) -> None:
        self.close()
        parts = folder.split("/")
        if not folder or any(part in ("", ".", "..") for part in parts):
            raise ValueError(folder)
        fd = os.open(self.root, _ROOT_FLAGS)
        try:
            for part in parts:
                inner = os.open(part, _DIRECTORY_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = inner
        except OSError:
            os.close(fd)
            raise
        self.folder, self.fd = folder, fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
        self.folder, self.fd = None, -1

    def __enter__(self) -> FolderReader:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()
