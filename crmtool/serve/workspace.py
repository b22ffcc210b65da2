"""The repository as the workspace sees it: today, and an index that is fresh on every page.

Every page answers from the working tree as it is now: a file edited in an editor or changed
by `git pull` shows on the next page. Bringing the index up to date means looking at every
record file, which takes seconds in a large repository, so the server does it only when the
files changed: a watcher (watchfiles, on the operating system's notifications) marks the index
stale when anything under `records/` or crmtool.yaml changes, and the next page refreshes it.
Without a watcher (a file system that gives no notifications) every page refreshes, as the
questions in a terminal do.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Callable

from ..index.build import build_index, open_index
from ..load.repo import CONFIG_FILE, RECORDS, Repository


class Workspace:
    """One repository served: `today()` as the command line resolves it, and `db()`, a
    read-only connection to an index that holds the files as they are."""

    def __init__(self, repo: Repository, today: Callable[[], dt.date], *, watch: bool = True) -> None:
        self.repo, self.today = repo, today
        self._lock = threading.Lock()
        self._stale = True
        self._path: Path | None = None
        self.skipped: list[tuple[str, str]] = []
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.watching = False
        if watch:
            self._start_watching()

    def refresh(self) -> Path:
        """The index, brought up to date first when the files changed since it was."""
        with self._lock:
            if self._stale or self._path is None or not self.watching:
                self._stale = False  # a change during the build marks it stale again
                result = build_index(self.repo)
                self._path, self.skipped = result.path, list(result.skipped)
            return self._path

    def db(self) -> sqlite3.Connection:
        """A read-only connection to the fresh index, for one request (connections are not
        shared between the threads that answer requests)."""
        return open_index(self.refresh())

    def mark_stale(self) -> None:
        self._stale = True

    # -- watching the files ---------------------------------------------------------------

    def _start_watching(self) -> None:
        try:
            import watchfiles
        except ImportError:  # pragma: no cover - a declared dependency
            return
        root = self.repo.root

        def relevant(_change: object, path: str) -> bool:
            relative = Path(path).relative_to(root).as_posix() if Path(path).is_relative_to(root) else ""
            return relative == CONFIG_FILE or relative.startswith(RECORDS + "/")

        def run() -> None:
            try:
                for _changes in watchfiles.watch(root, watch_filter=relevant, stop_event=self._stop, debounce=50,
                                                 step=20, raise_interrupt=False, ignore_permission_denied=True):
                    self._stale = True
            except Exception:  # noqa: BLE001 - the watcher gave up: refresh on every page instead
                pass
            self.watching = False

        self.watching = True
        self._watcher = threading.Thread(target=run, name="crmtool-watch", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)
