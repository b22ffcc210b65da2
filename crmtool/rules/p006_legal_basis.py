"""P006: a purpose states its legal basis, and the balancing test for legitimate interests.

Processing is lawful only on one of the six bases of Art. 6(1), and the register of
processing activities and the information to data subjects (Art. 13(1)(c), 14(1)(c)) must
name it. So every purpose needs `legal_basis`; a purpose without one is reported on the whole
file. A purpose that rests on legitimate interests (Art. 6(1)(f)) must also record why: the
interest pursued, why the processing is necessary for it, and the balance against the
interests and rights of the people concerned (Art. 13(1)(d) asks for the interest to be
told). A `legitimate_interest` that is missing, null, empty, or a language map whose texts
are all empty is reported on `legitimate_interest` (or on `legal_basis` when the key is
absent). A value of the wrong type is left to S001.

Passing::

    legal_basis: legitimate-interests
    legitimate_interest: {en: "Interest: ... Necessity: ... Balance: ..."}

Failing::

    legal_basis: legitimate-interests
    legitimate_interest: null
"""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P006", "error", N_("A purpose states its legal basis, and the balancing test for legitimate interests"),
            "repository", "Art. 6(1), 6(1)(f)")

LEGITIMATE_INTERESTS = "legitimate-interests"


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        if "legal_basis" not in purpose.data:
            yield RULE.finding(purpose.path, ctx.at(purpose, ()),
                               _("This purpose states no legal basis."),
                               _("Add 'legal_basis:' with the Art. 6(1) basis the processing rests on: consent, "
                                 "contract, legal-obligation, vital-interests, public-task or legitimate-interests."))
            continue
        if purpose.get("legal_basis") != LEGITIMATE_INTERESTS or not _empty(purpose.get("legitimate_interest")):
            continue
        pointer = ("legitimate_interest",) if "legitimate_interest" in purpose.data else ("legal_basis",)
        yield RULE.finding(purpose.path, ctx.at(purpose, pointer),
                           _("This purpose rests on legitimate interests but does not record the interest and "
                             "the balancing test."),
                           _("Write in 'legitimate_interest' the three-part test: the interest pursued, why the "
                             "processing is necessary for it (no less intrusive way), and why the interests and "
                             "rights of the people concerned do not override it (the balance). If the test fails, "
                             "choose another legal basis."))


def _empty(text: Any) -> bool:
    """No balancing note: nothing, blank text, or a language map without any text.
    A value of another type is S001's (a wrong type is not an empty note)."""
    if text is None:
        return True
    if isinstance(text, str):
        return not text.strip()
    if isinstance(text, dict):
        return not any(isinstance(v, str) and v.strip() for v in text.values())
    return False
