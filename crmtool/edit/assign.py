"""Handing a request to a colleague, with the hand-over kept in the request's history.

Who worked on a question, and since when, is what a colleague asks when the requester
calls back; a changed `assignee:` line alone forgets it. So `assign` sets `assignee` and
appends a history entry `{date, stage, by, note, assignee}` in the same edit, through
`roundtrip.py` (comments and layout stay) and `load/atomic.py` (one change, or none).

Refused, with nothing changed (exit 1): a request that is closed (a `closed` date or a
final stage: reopen it first, which is a stage change, not a hand-over), a colleague who is
not active, and the colleague who already has it. A request without a stage stands at the
start of the pipeline: the hand-over writes that stage too, so the history entry and the
record agree and W001 has a stage to judge. The core returns values and never prints.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import asdict, dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import roundtrip
from ..load import atomic
from ..git import run as gitcmd
from .base import Refused, settings, verify
from ..load import read_records
from ..i18n import _
from ..load.model import Model, Record
from ..domain.pipeline import is_open, pipeline_of
from ..load.repo import Listing, Repository, UsageError
from ..domain.routing import is_active, who


@dataclass
class Handover:
    request: str
    path: str
    assignee: str
    assignee_name: str
    previous: str | None
    stage: str
    stage_set: bool  # the request had no stage: the pipeline's start stage was written
    day: dt.date
    by: str | None
    note: str | None
    dry_run: bool
    text: str = field(default="", repr=False)
    recovered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("text")
        data["day"] = self.day.isoformat()
        return data


@atomic.serialised()
def assign(repo: Repository, request_id: str, staff_id: str, day: dt.date, *, by: str | None = None,
           note: str | None = None, dry_run: bool = False) -> Handover:
    """Hand `request_id` to `staff_id` on `day`. UsageError (exit 2) for unknown ids,
    Refused (exit 1) when it cannot be done; in both cases nothing changes."""
    recovered = [] if dry_run else atomic.recover(repo.root)
    schemas, config = settings(repo)
    listing = Listing(repo.root)
    model = Model(config=config, today=day)
    request_id = request_id.rsplit("/", 1)[-1].removesuffix(".yaml")
    files = [file for s in sorted(listing.ids["staff"]) for file in [listing.file("staff", s)] if file]
    request_file = listing.file("requests", request_id) if request_id in listing.ids["requests"] else None
    if request_file is not None:
        files.append(request_file)
    for file, entry in zip(files, read_records(repo.root, files)):
        if entry.loaded and isinstance(entry.data, dict):
            model.add(Record(file.folder, file.id, file.path, entry.data))
    _known(listing, "requests", request_id, "REQUEST")
    _known(listing, "staff", staff_id, "STAFF")
    if by is not None:
        _known(listing, "staff", by, "--by")
    else:
        by = staff_of_git_user(repo, model)
    request = model.get("requests", request_id)
    if request is None:
        listed = listing.file("requests", request_id)
        assert listed is not None  # _known above: the id is listed
        path = listed.path
        raise Refused(_("{path} cannot be read as a record; run `crmtool check {path}` to see why.").format(path=path))
    handover = _plan(model, request, staff_id, day, by, note, dry_run)
    handover.recovered = recovered
    _edit(repo, schemas, config, request, handover)
    if not dry_run:
        atomic.write_files(repo.root, {repo.root / request.path: handover.text})
    return handover


def staff_of_git_user(repo: Repository, model: Model) -> str | None:
    """The colleague whose email is git's `user.email` here: who runs the command is who
    hands over, unless `--by` says otherwise. None when git knows no such colleague."""
    email = (gitcmd.run(repo.root, "config", "user.email") or "").strip().casefold()
    if not email:
        return None
    found = [r.id for r in model.of("staff") if str(r.get("email", "")).casefold() == email]
    return found[0] if len(found) == 1 else None


def _known(listing: Listing, folder: str, record_id: str, what: str) -> None:
    if record_id in listing.ids[folder]:
        return
    message = _("{what}: there is no '{id}' in records/{folder}/.").format(what=what, id=record_id, folder=folder)
    close = difflib.get_close_matches(record_id, sorted(listing.ids[folder]), n=3)
    if close:
        message += " " + _("Did you mean {ids}?").format(ids=", ".join(close))
    raise UsageError(message)


def _plan(model: Model, request: Record, staff: str, day: dt.date, by: str | None, note: str | None,
          dry_run: bool) -> Handover:
    pipeline = pipeline_of(model.config)
    if not is_open(request.data, pipeline):
        closed = request.get("closed")
        raise Refused(_("{id} is closed ({how}); a closed request is not handed over. Reopen it first "
                        "(a new stage in its history), then assign it.").format(
                            id=request.id,
                            how=closed if closed else _("stage {stage}").format(stage=request.get("stage"))))
    if not is_active(model, staff):
        raise Refused(_("{staff} is not active (records/staff/{id}.yaml); choose a colleague who is.").format(
            staff=who(model, staff), id=staff))
    current = request.get("assignee")
    if current == staff:
        raise Refused(_("{id} is already assigned to {staff}; nothing to hand over.").format(
            id=request.id, staff=who(model, staff)))
    received = request.get("received")
    if isinstance(received, str) and day.isoformat() < received:
        raise Refused(_("{id} was received on {received}; it cannot be handed over on {day}, before that.").format(
            id=request.id, received=received, day=day.isoformat()))
    stage = request.get("stage")
    stage_set = not isinstance(stage, str)
    if stage_set:
        stage = pipeline.start[0] if pipeline.start else "received"
    record = model.get("staff", staff)
    return Handover(request.id, request.path, staff, str(record.get("name", "")) if record else "",
                    current if isinstance(current, str) else None, stage, stage_set, day, by, note, dry_run)


def _edit(repo: Repository, schemas, config: dict, request: Record, handover: Handover) -> None:
    """The new text of the request: `assignee` (and `stage`) set, a history entry appended
    in the style of the entries already there (flow maps, as staff write them)."""
    try:
        document, old = roundtrip.load(repo.root / request.path)
    except roundtrip.RoundTripError as error:
        raise Refused(_("{error}; the file cannot be edited, so nothing was changed.").format(
            error=str(error).replace(str(repo.root) + "/", ""))) from error
    data = document.data
    if not isinstance(data, CommentedMap):
        raise Refused(_("{path} does not hold a mapping; nothing was changed.").format(path=request.path))
    anchor = "topics" if "topics" in data else ("from" if "from" in data else "received")
    roundtrip.set_after(data, "assignee", handover.assignee, anchor)
    if handover.stage_set:
        roundtrip.set_after(data, "stage", handover.stage, "assignee")
    entry = CommentedMap()
    entry["date"] = handover.day
    entry["stage"] = handover.stage
    if handover.by:
        entry["by"] = handover.by
    if handover.note:
        entry["note"] = handover.note
    entry["assignee"] = handover.assignee  # the schema's order, which `crmtool fmt` keeps
    history = data.get("history")
    if isinstance(history, CommentedSeq):
        previous = history[-1] if len(history) else None
        if not isinstance(previous, CommentedMap) or previous.fa.flow_style():
            entry.fa.set_flow_style()
        history.append(entry)
    else:
        entry.fa.set_flow_style()
        history = CommentedSeq([entry])
        if "history" in data:
            data["history"] = history
        else:
            roundtrip.set_after(data, "history", history, "stage")
    handover.text = roundtrip.dump(document)
    verify(repo, schemas, config, request.path, old, handover.text)

