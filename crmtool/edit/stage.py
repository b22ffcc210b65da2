"""`crmtool stage`: move a request to another stage of the pipeline, the step kept in its
history.

Moving a request by hand means changing `stage:` and writing a flow map at the end of
`history:` with the right date, stage and staff id, and, when it is finished, `closed:` and
for a data-subject request its `outcome`; the check then tells you what you forgot. This
command does it in one edit: only the moves the pipeline allows (`domain/pipeline.py`: the
repository's own `pipeline` in crmtool.yaml, or the default), the step appended as `{date,
stage, by, note}`, `stage` set, and

- a move to a final stage closes the request: `closed: DATE`, and an `outcome` (decision,
  date, and the legal ground when refused) for a data-subject request that has none yet. A
  missing outcome is `OutcomeNeeded`, a usage error that carries the allowed decisions, so
  the command line can ask for one in a terminal and a form can offer them;
- a move out of a final stage (or of a request with a `closed` date) reopens it: `closed` is
  removed. The outcome stays, as a record of the earlier decision, until a new one is given.

Refused, with nothing changed (exit 1): an unknown stage (with the nearest known ones), a
move the pipeline does not allow (with the stages it does allow, labelled in the
repository's language), a move to the stage the request already stands in, a day before
the last step of the history or before `received`. A request without a stage stands where
its history ends, or at the pipeline's first start stage; when it has no history at all,
that stage is written as the history's first step (dated `received`), so the history and
W002 agree on where the request came from. The core returns values and never prints.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import asdict, dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import record_edit
from ..load import atomic
from .assign import staff_of_git_user
from .base import Refused, settings
from .note import load_around
from ..domain.deadlines import RECIPIENTS_TOLD, SUBJECT_RIGHTS
from ..domain.pipeline import Pipeline, current_stage, pipeline_of
from ..domain.texts import localised
from ..i18n import _
from ..load.model import Record, parse_date
from ..load.repo import Listing, Repository, UsageError
from ..load.schema import SchemaSet

DECISIONS = ("granted", "partly-granted", "refused", "withdrawn")
"""The request schema's outcome decisions, when a repository's own schema lists none."""
GROUNDED = ("refused", "partly-granted")
"""The decisions that rest on a legal ground (`outcome.ground`)."""


class OutcomeNeeded(UsageError):
    """Closing a data-subject request without an outcome (exit 2 when nobody can be asked);
    `choices` are the decisions the schema allows."""

    def __init__(self, message: str, choices: tuple[str, ...]) -> None:
        super().__init__(message)
        self.choices = choices


@dataclass
class Moved:
    request: str
    path: str
    before: str
    stage: str
    label: str          # the new stage's label in the repository's language
    day: dt.date
    by: str | None
    note: str | None
    closed: bool        # moved to a final stage: `closed` written
    reopened: bool      # moved out of a final stage: `closed` removed
    outcome: str | None
    ground: str | None
    dry_run: bool
    text: str = field(default="", repr=False)
    recovered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("text")
        data["day"] = self.day.isoformat()
        return data


@atomic.serialised()
def stage(repo: Repository, request_id: str, stage: str, day: dt.date, *, by: str | None = None,
          note: str | None = None, outcome: str | None = None, ground: str | None = None,
          dry_run: bool = False) -> Moved:
    """Move `request_id` (an id or a path) to `stage` on `day`. UsageError (exit 2) for
    unknown ids and wrong options (OutcomeNeeded when an outcome must be given), Refused
    (exit 1) when the move cannot be made; in both cases nothing changes."""
    recovered = [] if dry_run else atomic.recover(repo.root)
    schemas, config = settings(repo)
    decisions = _decisions(schemas)
    note = note.strip() if note and note.strip() else None
    _options(outcome, ground, decisions)
    listing = Listing(repo.root)
    target = record_edit.locate(repo, listing, request_id, ["requests"], "stage", what="REQUEST")
    model = load_around(repo, listing, target, config)
    record_edit.known_staff(listing, by, "--by")
    by = by if by is not None else staff_of_git_user(repo, model)
    request = model.get("requests", target.id)
    assert request is not None  # load_around refuses a request it cannot read
    pipeline = pipeline_of(config)
    language = model.language
    before = current_stage(request.data, pipeline)
    _judge(request, pipeline, before, stage, day, language)
    final = pipeline.is_final(stage)
    if outcome is not None and not final:
        raise UsageError(_("--outcome: {id} is not being closed; an outcome is recorded when a request moves to a "
                           "final stage ({stages}).").format(id=target.id, stages=", ".join(
                               s for s in pipeline.stages if pipeline.is_final(s))))
    if final and outcome is None and request.get("kind") in SUBJECT_RIGHTS \
            and not isinstance(request.get("outcome"), dict):
        raise OutcomeNeeded(_("--outcome: {id} is a data-subject request ({kind}); closing it records its "
                              "outcome. Give --outcome {choices} (and --ground with the legal ground when it is "
                              "refused).").format(id=target.id, kind=request.get("kind"),
                                                   choices="|".join(decisions)), decisions)
    if final and request.get("kind") in SUBJECT_RIGHTS:
        _accountable(request, outcome, ground)
    moved = Moved(target.id, target.path, before, stage, _label(pipeline, stage, language), day, by, note,
                  final, not final and (pipeline.is_final(before) or bool(request.get("closed"))),
                  outcome, ground, dry_run, recovered=recovered)
    document, data, old = record_edit.load(repo, target.path)
    _edit(schemas, data, request, moved)
    moved.text = record_edit.finish(repo, schemas, config, target.path, target.type, document, old)
    if not dry_run:
        atomic.write_files(repo.root, {repo.root / target.path: moved.text})
    return moved


def _accountable(request: Record, outcome: str | None, ground: str | None) -> None:
    """Closing a data-subject request needs what the check will ask of it (P038, P040): said
    here, before anything is written, with what to do."""
    kept = request.get("outcome") if isinstance(request.get("outcome"), dict) else {}
    decision = outcome or kept.get("decision")
    if decision in ("refused", "partly-granted") and not (ground or kept.get("ground")):
        raise UsageError(_("--ground: {id} is {decision}; a refusal records its legal ground (for example "
                           "art-17-3-b).").format(id=request.id, decision=decision))
    if decision != "withdrawn" and not isinstance(request.get("identity_verified"), dict):
        raise Refused(_("{path}: record how the requester's identity was verified (`identity_verified: {{date, "
                        "method, by}}`) before closing this request; nothing was changed.").format(path=request.path))
    if request.get("kind") in RECIPIENTS_TOLD and decision not in ("refused", "withdrawn") \
            and "recipients_notified" not in request.data:
        raise Refused(_("{path}: tell the processors and recipients that received the person's data and record them "
                        "in `recipients_notified` (an empty list when nobody received it) before closing this "
                        "request; `crmtool subject erase PERSON --dry-run` lists them. Nothing was changed.").format(
                            path=request.path))


def _decisions(schemas: SchemaSet) -> tuple[str, ...]:
    for schema in schemas.subschemas_at("request", ("outcome", "decision")):
        if isinstance(schema.get("enum"), list):
            return tuple(str(value) for value in schema["enum"])
    return DECISIONS


def _options(outcome: str | None, ground: str | None, decisions: tuple[str, ...]) -> None:
    """`--outcome` and `--ground` as the schema takes them (exit 2 otherwise)."""
    if outcome is not None and outcome not in decisions:
        raise UsageError(_("--outcome: '{value}' is not one of: {allowed}.").format(
            value=outcome, allowed=", ".join(decisions)))
    if ground is None:
        return
    if outcome not in GROUNDED:
        raise UsageError(_("--ground: a legal ground belongs to an outcome that is refused or partly-granted; give "
                           "--outcome refused (or partly-granted) with it, or leave --ground out."))
    record_edit.slug(ground, "--ground")


def _judge(request: Record, pipeline: Pipeline, before: str, after: str, day: dt.date, language: str) -> None:
    """Refuse a move the pipeline does not allow, or one dated before the request's past."""
    where = _("The stages are set under `pipeline` in crmtool.yaml.") if pipeline.configured else _(
        "These are the stages of the default pipeline; an organisation can describe its own under `pipeline` "
        "in crmtool.yaml.")
    if not pipeline.known(after):
        close = _closest(pipeline, after)
        message = _("'{stage}' is not a stage of the pipeline.").format(stage=after)
        if close:
            message += " " + _("Did you mean {stages}?").format(stages=_labelled(pipeline, close, language))
        raise Refused(message + " " + _("The stages are: {stages}.").format(
            stages=_labelled(pipeline, list(pipeline.stages), language)) + " " + where)
    if not pipeline.known(before):
        raise Refused(_("{path}: its stage '{stage}' is not a stage of the pipeline (W001), so no move can be judged "
                        "from it; correct the stage by hand first (crmtool check {path} proposes one).").format(
                            path=request.path, stage=before))
    if after == before:
        raise Refused(_("{id} already stands at {stage}; nothing to move. To keep a remark, use crmtool note.").format(
            id=request.id, stage=_labelled(pipeline, [after], language)))
    if not pipeline.allows(before, after):
        following = [s for s in pipeline.stages.get(before, {}).get("next") or [] if isinstance(s, str)]
        allowed = (_("From {stage} it may move to: {stages}.").format(
            stage=_labelled(pipeline, [before], language), stages=_labelled(pipeline, following, language))
            if following else _("{stage} is a stage a request does not leave.").format(
                stage=_labelled(pipeline, [before], language)))
        raise Refused(_("{id} stands at {before}; the pipeline does not allow a move to {after}.").format(
            id=request.id, before=_labelled(pipeline, [before], language),
            after=_labelled(pipeline, [after], language)) + " " + allowed + " " + where)
    received = parse_date(request.get("received"))
    if received is not None and day < received:
        raise Refused(_("{id} was received on {received}; it cannot move to another stage on {day}, before "
                        "that.").format(id=request.id, received=received.isoformat(), day=day.isoformat()))
    history = request.get("history")
    dates = [d for e in (history if isinstance(history, list) else []) if isinstance(e, dict)
             for d in [parse_date(e.get("date"))] if d is not None]
    if dates and day < max(dates):
        raise Refused(_("The history of {id} already has a step on {last}; a move on {day} would come before it. "
                        "Give --on {last} or a later day.").format(
                            id=request.id, last=max(dates).isoformat(), day=day.isoformat()))


def _label(pipeline: Pipeline, stage: str, language: str) -> str:
    return str(localised(pipeline.stages.get(stage, {}).get("label"), language) or stage)


def _labelled(pipeline: Pipeline, stages: list[str], language: str) -> str:
    """`triage (Triage), in-progress (In behandeling)`: ids as typed, labels as read."""
    shown = []
    for stage in stages:
        label = _label(pipeline, stage, language)
        shown.append(f"'{stage}' ({label})" if label != stage else f"'{stage}'")
    return ", ".join(shown)


def _closest(pipeline: Pipeline, stage: str) -> list[str]:
    """The stage ids nearest to `stage`, comparing with the ids and with the labels in any
    language (so the Dutch `afgesloten` leads to `closed`)."""
    names: dict[str, str] = {}
    for stage_id, definition in pipeline.stages.items():
        label = definition.get("label")
        for text in (label.values() if isinstance(label, dict) else [label]):
            if isinstance(text, str):
                names.setdefault(text.casefold(), stage_id)
                names.setdefault(text.casefold().replace(" ", "-"), stage_id)
        names[stage_id] = stage_id
    found = difflib.get_close_matches(stage.casefold(), list(names), n=6)
    return list(dict.fromkeys(names[name] for name in found))[:3]


def _edit(schemas: SchemaSet, data: CommentedMap, request: Record, moved: Moved) -> None:
    """`stage` set, the step appended (after the step the request stood at, when it had no
    history), and `closed`/`outcome` written or `closed` removed."""
    order = record_edit.schema_order(schemas, "request")
    history = data.get("history")
    if not isinstance(history, CommentedSeq) or not len(history):
        received = parse_date(request.get("received"))
        first = record_edit.entry({"date": received or moved.day, "stage": moved.before}, None)
        history = CommentedSeq([first])
        record_edit.place(data, "history", history, order)
    record_edit.place(data, "stage", moved.stage, order)
    step = record_edit.entry({"date": moved.day, "stage": moved.stage, "by": moved.by, "note": moved.note}, history)
    record_edit.append(data, "history", step, order)
    if moved.closed:
        if moved.outcome is not None:
            _outcome(schemas, data, moved, order)
        record_edit.place(data, "closed", record_edit.day(moved.day), order)
    elif "closed" in data:
        record_edit.remove(data, "closed")


def _outcome(schemas: SchemaSet, data: CommentedMap, moved: Moved, order: list[str]) -> None:
    """The decision of a closed request: `{date, decision, ground}`, into the outcome that
    is there (its note stays) or a new one."""
    outcome = data.get("outcome")
    if not isinstance(outcome, CommentedMap):
        outcome = CommentedMap()
        record_edit.place(data, "outcome", outcome, order)
    inner = record_edit.schema_order(schemas, "request", ("outcome",))
    record_edit.place(outcome, "date", record_edit.day(moved.day), inner)
    record_edit.place(outcome, "decision", moved.outcome, inner)
    if moved.ground is not None:
        record_edit.place(outcome, "ground", moved.ground, inner)
    else:
        record_edit.remove(outcome, "ground")
