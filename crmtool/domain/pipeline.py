"""The request pipeline: stages and allowed transitions, as data.

An organisation describes its own pipeline under `pipeline` in crmtool.yaml; without one, the
default below applies: a question or project comes in, is triaged, worked on, may become a
proposal that is approved or rejected, and is closed. Data-subject requests use the same
stages without the proposal. W001 and W002 read this, and so will `crmtool assign`.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT = {
    "start": ["received"],
    "stages": {
        "received": {"label": {"nl": "Binnengekomen", "en": "Received"}, "next": ["triage", "in-progress", "closed"]},
        "triage": {"label": {"nl": "Triage", "en": "Triage"},
                   "next": ["in-progress", "proposal", "rejected", "closed"]},
        "in-progress": {"label": {"nl": "In behandeling", "en": "In progress"},
                        "next": ["triage", "proposal", "rejected", "closed"]},
        "proposal": {"label": {"nl": "Voorstel", "en": "Proposal"}, "next": ["approved", "rejected", "in-progress"]},
        "approved": {"label": {"nl": "Goedgekeurd", "en": "Approved"}, "next": ["in-progress", "closed"]},
        "rejected": {"label": {"nl": "Afgewezen", "en": "Rejected"}, "next": ["closed", "in-progress"], "final": True},
        "closed": {"label": {"nl": "Afgesloten", "en": "Closed"}, "next": ["triage"], "final": True},
    },
}


@dataclass(frozen=True)
class Pipeline:
    start: tuple[str, ...]
    stages: dict[str, dict]
    configured: bool  # False: the default, so messages can say where the stages come from

    def known(self, stage: str) -> bool:
        return stage in self.stages

    def allows(self, before: str, after: str) -> bool:
        return after == before or after in (self.stages.get(before, {}).get("next") or [])

    def is_final(self, stage: str) -> bool:
        return bool(self.stages.get(stage, {}).get("final"))


def pipeline_of(config: dict) -> Pipeline:
    data = config.get("pipeline") if isinstance(config.get("pipeline"), dict) else None
    source = data or DEFAULT
    stages = value if isinstance(value := source.get("stages"), dict) else {}
    start = tuple(s for s in source.get("start") or [] if isinstance(s, str))
    return Pipeline(start, {k: v if isinstance(v, dict) else {} for k, v in stages.items()}, data is not None)


def is_open(request: dict, pipeline: Pipeline) -> bool:
    """Still to be worked on: not closed by date and not in a final stage."""
    return not request.get("closed") and not pipeline.is_final(str(request.get("stage", "")))


def current_stage(request: dict, pipeline: Pipeline) -> str:
    """Where a request stands: its `stage`, else the last stage in its history, else the
    pipeline's first start stage (`received` without one)."""
    stage = request.get("stage")
    if isinstance(stage, str):
        return stage
    history = request.get("history")
    stages = [str(e["stage"]) for e in (history if isinstance(history, list) else [])
              if isinstance(e, dict) and isinstance(e.get("stage"), str)]
    if stages:
        return stages[-1]
    return pipeline.start[0] if pipeline.start else "received"
