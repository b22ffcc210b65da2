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
import gc
import os
import platform
import stat
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any, Callable

from ..domain.review import Item, horizon_days, review
from ..edit.assign import staff_of_git_user
from ..index.build import build_index, open_index
from ..index.model import follow, model_of, with_today
from ..load import read_settings
from ..load.model import Model
from ..load.pool import without_gc
from ..load.repo import CONFIG_FILE, FOLDERS, NESTED, RECORDS, Repository

_MISSING = object()
READY_AFTER_MS = 25
"""The watcher says it is watching once this long has passed without a change (watchfiles
yields nothing sooner). The first page waits for it; an idle watcher wakes this often, which
costs next to nothing."""
READY_WAIT = 5.0
"""How long a look at every file waits for the watcher to be ready (seconds): a file changed
while the watch was being set up is then seen by the look or by the watcher."""
WATCH_TRIES = 3
"""Failures in a row (a folder removed as its watch started) before the watcher gives up."""
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
        self._ready = threading.Event()
        self._watcher: threading.Thread | None = None
        self.watching = False
        if watch:
            self._start_watching()

    def refresh(self) -> Path:
        """The index, brought up to date first with what changed since the last page."""
        with self._lock:
            if self.watching:
                self._ready.wait(READY_WAIT)
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
                    with closing(open_index(path)) as db, without_gc():  # enabled after the freeze
                        self._model = model_of(db, config, today)
                        gc.freeze()  # see below
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

    # Why gc.freeze(): the model of a large repository is millions of dicts, lists and strings
    # that live as long as the server. Each full collection walks all of them, and a page that
    # allocates much (the review) ran full collections over them: at 100,000 people the first
    # review took 3.5 s, 1.9 s with the model frozen. The records hold no cycles, so a model
    # that is let go is still freed (by reference counting) while frozen.

    def derived(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """What a page computes from the loaded model (the review, the retention chart), kept
        under `key` for as long as the model stays the same. Call after `model`."""
        with self._model_lock:
            found = self._derived.get(key, _MISSING)
            if found is _MISSING:
                found = self._derived[key] = compute()
            return found

    def review(self, today: dt.date, days: int | None = None) -> tuple[Model, int, list[Item]]:
        """The model, the horizon (`days`, or the repository's) and `crmtool review`'s items
        for it, worked out once per model and horizon."""
        model = self.model(today)
        horizon = horizon_days(model, days)
        return model, horizon, self.derived(("review", horizon), lambda: review(model, today, horizon))

    def warm(self, today: dt.date) -> threading.Thread:
        """Start making what the first page needs (the index brought up to date, the model,
        the review, who is signed in) while the browser opens; a page that comes sooner
        waits for it. What goes wrong here is left for that page to report."""
        def run() -> None:
            try:
                self.review(today)
                self.colleague()
            except Exception:  # noqa: BLE001 - the page that needs it says what is wrong, in its language
                pass
        thread = threading.Thread(target=run, name="crmtool-warm", daemon=True)
        thread.start()
        return thread

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
        # watchfiles asks platform.uname() (is this WSL?) when a watch starts; asked first in
        # the watcher's thread, it kept the interpreter from the other threads for a while.
        platform.uname()
        root = self.repo.root

        def relative(path: str) -> str | None:
            candidate = Path(path)
            return candidate.relative_to(root).as_posix() if candidate.is_relative_to(root) else None

        def relevant(_change: object, path: str) -> bool:
            found = relative(path)
            return found is not None and (found == CONFIG_FILE or found.startswith(RECORDS + "/") or found == RECORDS)

        def watch_once() -> bool:
            """Watch the folders as they are now, until stopped (True) or a folder came or
            went (False)."""
            for changes in watchfiles.watch(*self._folders(), watch_filter=relevant, stop_event=self._stop,
                                            debounce=50, step=20, rust_timeout=READY_AFTER_MS, yield_on_timeout=True,
                                            recursive=False, raise_interrupt=False, ignore_permission_denied=True):
                if not self._ready.is_set():
                    self.saw({CONFIG_FILE})  # whatever changed while the watch was being set up: look
                    self._ready.set()
                paths = {found for _change, path in changes if (found := relative(path)) is not None}
                self.saw(paths)
                if any(path != CONFIG_FILE and not path.endswith(".yaml") for path in paths):
                    return False
            return True

        def run() -> None:
            failures = 0
            while not self._stop.is_set() and failures < WATCH_TRIES:
                try:
                    if watch_once():
                        break
                    failures = 0
                except Exception:  # noqa: BLE001 - a folder went while the watch started: try again
                    failures += 1
                    self._stop.wait(0.2)
                self._ready.clear()
            self.watching = False  # stopped, or the watcher gave up: every page looks at every file
            self._ready.set()

        self.watching = True
        self._watcher = threading.Thread(target=run, name="crmtool-watch", daemon=True)
        self._watcher.start()

    def _folders(self) -> list[Path]:
        """What the watcher watches, each folder on its own: the root (crmtool.yaml, records/
        itself), records/, each record folder, and the folders nested in those that nest.
        A recursive watch stats every file below it as it starts (0.9 s at 100,000 people,
        holding the interpreter); a folder on its own is one call."""
        root = self.repo.root
        folders = [root]
        records = root / RECORDS
        if not _real_folder(records):
            return folders
        folders.append(records)
        for name in sorted(FOLDERS):
            folder = records / name
            if _real_folder(folder):
                folders.append(folder)
                if name in NESTED:
                    folders.extend(_nested_folders(folder))
        return folders

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)


def _real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _nested_folders(folder: Path) -> list[Path]:
    """The real, visible folders below `folder`, at any depth (links are not followed)."""
    found: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            below = sorted(Path(entry.path) for entry in entries
                           if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."))
    except OSError:
        return found
    for path in below:
        found.append(path)
        found.extend(_nested_folders(path))
    return found


def _state(path: Path) -> tuple | None:
    """What changes when a file is written: its inode, size and modification time."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns
