"""The repository as the workspace sees it: today, and an index that is fresh on every page.

Every page answers from the working tree as it is now: a file edited in an editor or changed
by `git pull` or a checkout shows on the next page. Bringing the index up to date by looking at
every record file takes seconds in a large repository, which no page can afford, so the server
learns what changed from the operating system: a watcher (watchfiles) collects the record
files that changed, and the next page reads those again and nothing else. What a watcher
cannot describe file by file (crmtool.yaml, a folder moved or removed, a flood of changes such
as a checkout of another branch, a watcher that stopped) makes the next page look at every
file, as the questions in a terminal do.

The review and the charts run over a Model, as `crmtool review` does. It is taken from the
index the refresh has just brought up to date (`index.model`), not from the files, and after a
refresh that read a few files it follows the index for those files only: loading it from the
files would look at every file a second time on the first page and on every page after an edit.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any, Callable

from ..edit.assign import staff_of_git_user
from ..index.build import build_index, open_index
from ..index.model import follow, model_of, with_today
from ..load import read_settings
from ..load.model import Model
from ..load.repo import CONFIG_FILE, RECORDS, Repository

_MISSING = object()
WHOLE_FROM = 2000
"""More changed files than this at once (a checkout, a pull) and looking at every file is as quick."""


class Workspace:
    """One repository served: `today()` as the command line resolves it, and `db()`, a
    read-only connection to an index that holds the files as they are."""

    def __init__(self, repo: Repository, today: Callable[[], dt.date], *, watch: bool = True) -> None:
        self.repo, self.today = repo, today
        self._lock = threading.Lock()  # one refresh at a time; pages wait for it
        self._changes_lock = threading.Lock()
        self._changed: set[str] = set()
        self._whole = True  # the first page looks at everything
        self._path: Path | None = None
        self.generation = 0
        """Counts the refreshes that read or removed a record: what a cache of pages is keyed on."""
        self._model_lock = threading.Lock()
        self._model: Model | None = None
        self._model_config: tuple | None = None
        self._followed: set[str] | None = None
        """Files the index read again since the model last followed it; None: all of them."""
        self._settings: tuple[tuple | None, dict] | None = None
        self._derived: dict[tuple, Any] = {}
        self.model_loads = 0
        """How often the model was taken whole from the index (tests count them)."""
        self.model_follows = 0
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.watching = False
        if watch:
            self._start_watching()

    def refresh(self) -> Path:
        """The index, brought up to date first with what changed since the last page."""
        with self._lock:
            with self._changes_lock:
                whole = self._whole or not self.watching or self._path is None
                changed, self._changed, self._whole = self._changed, set(), False
            if whole:
                result = build_index(self.repo)
            elif changed:
                result = build_index(self.repo, paths=changed)
            else:
                return self._path  # type: ignore[return-value]  # set by the first, whole refresh
            if result.read or result.removed or result.whole:
                self.generation += 1
                if result.whole or self._followed is None:
                    self._followed = None
                else:
                    self._followed |= result.changed
            self._path = result.path
            return self._path

    def settings(self) -> dict:
        """crmtool.yaml as data, read again only when the file changed; a usage error when it
        has errors (the page says to run the check)."""
        state = _state(self.repo.root / CONFIG_FILE)
        if self._settings is None or self._settings[0] != state:
            self._settings = (state, read_settings(self.repo))
        return self._settings[1]

    def model(self, today: dt.date) -> Model:
        """The records (what the review and the charts need) as the fresh index holds them.
        Taken whole from the index on the first page and after a refresh that looked at every
        file or a change of crmtool.yaml; after a refresh that read a few files, only those
        are taken again. A page that needs the model while it is taken waits for it."""
        with self._model_lock:
            path = self.refresh()
            config = self.settings()
            with self._lock:  # no refresh while the model follows the index
                followed, self._followed = self._followed, set()
                state = self._settings[0] if self._settings else None
                old = self._model
                if old is None or followed is None or state != self._model_config:
                    with closing(open_index(path)) as db:
                        self._model = model_of(db, config, today)
                    self.model_loads += 1
                elif followed:
                    with closing(open_index(path)) as db:
                        self._model = follow(old, db, followed, today)
                    self.model_follows += 1
                elif old.today != today:
                    self._model = with_today(old, today)
                self._model_config = state
            if self._model is not old:
                self._derived = {}
            assert self._model is not None
            return self._model

    def derived(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """What a page computes from the loaded model (the review, the retention chart), kept
        under `key` for as long as the model stays the same. Call after `model`."""
        with self._model_lock:
            found = self._derived.get(key, _MISSING)
            if found is _MISSING:
                found = self._derived[key] = compute()
            return found

    def colleague(self) -> str | None:
        """Who is signed in: on one's own machine, the colleague in records/staff/ whose email
        is git's `user.email` here (as `crmtool assign` takes it); None when there is none.
        Asked once per loaded model (it runs git), not on every page. Call after `model`."""
        model = self._model
        if model is None:
            return None
        return self.derived(("colleague",), lambda: staff_of_git_user(self.repo, model))

    def db(self) -> sqlite3.Connection:
        """A read-only connection to the fresh index, for one request (connections are not
        shared between the threads that answer requests)."""
        return open_index(self.refresh())

    def saw(self, paths: set[str]) -> None:
        """Files changed (paths relative to the root): the next page reads them again."""
        with self._changes_lock:
            if any(path == CONFIG_FILE or not path.endswith(".yaml") for path in paths) \
                    or len(self._changed) + len(paths) > WHOLE_FROM:
                self._whole = True
            else:
                self._changed |= paths

    # -- watching the files ---------------------------------------------------------------

    def _start_watching(self) -> None:
        try:
            import watchfiles
        except ImportError:  # pragma: no cover - a declared dependency
            return
        root = self.repo.root

        def relative(path: str) -> str | None:
            candidate = Path(path)
            return candidate.relative_to(root).as_posix() if candidate.is_relative_to(root) else None

        def relevant(_change: object, path: str) -> bool:
            found = relative(path)
            return found is not None and (found == CONFIG_FILE or found.startswith(RECORDS + "/") or found == RECORDS)

        def run() -> None:
            try:
                for changes in watchfiles.watch(root, watch_filter=relevant, stop_event=self._stop, debounce=50,
                                                step=20, raise_interrupt=False, ignore_permission_denied=True):
                    self.saw({found for _change, path in changes if (found := relative(path)) is not None})
            except Exception:  # noqa: BLE001 - the watcher gave up: every page looks at every file
                pass
            self.watching = False

        self.watching = True
        self._watcher = threading.Thread(target=run, name="crmtool-watch", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)


def _state(path: Path) -> tuple | None:
    """What changes when a file is written: its inode, size and modification time."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns
