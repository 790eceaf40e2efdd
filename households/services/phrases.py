"""The district's phrase templates for visit notes (구 설정 › 정책 › 자주 쓰는 문구). In a transaction, audited.

District admins (``edit_phrase_templates``) edit their own district's phrases; superusers any district's. The
settings page sends every domain's list at once (:func:`phrase_templates_save`), which creates, reorders,
reactivates and deactivates rows through the same rules as the single-row functions. Rows are never deleted:
a phrase taken out of the list is deactivated, and the same text saved again brings its row back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import District
from welfare.permissions import can
from welfare.scoping import membership

from ..models import NeedDomain, PhraseTemplate

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TEXT_MAX = PhraseTemplate.TEXT_MAX
PER_DOMAIN_MAX = PhraseTemplate.PER_DOMAIN_MAX
FIELDS = ("text", "order", "active")


def clean_phrase(text: str) -> str:
    """One line, no control characters, single spaces: what the visit form inserts."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())


def _require_editor(*, district: District, by: User) -> None:
    if not can(by, "edit_phrase_templates"):
        raise RuleError(_("자주 쓰는 문구를 고칠 권한이 없습니다."))
    staff = membership(by)
    if not by.is_superuser and (staff is None or staff.district_id != district.pk):
        raise RuleError(_("다른 구의 문구는 고칠 수 없습니다."))


def _text_problem(text: str) -> str | None:
    if not text:
        return _("문구를 적어 주세요.")
    return bounds.text_problem(text, TEXT_MAX)


def phrase_templates_check(data: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Each domain's phrases as they will be stored (cleaned, blank lines dropped, in order), or RuleError keyed
    by domain: at most PER_DOMAIN_MAX a domain, each at most TEXT_MAX characters, none twice."""
    labels = dict(NeedDomain.choices)
    wanted: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for domain, lines in data.items():
        if domain not in labels:
            errors["__all__"] = _("알 수 없는 욕구 영역입니다.")
            continue
        texts = [text for text in (clean_phrase(line) for line in lines) if text]
        long = next((p for p in (bounds.text_problem(t, TEXT_MAX) for t in texts) if p), None)
        repeated = next((t for i, t in enumerate(texts) if t in texts[:i]), None)
        if len(texts) > PER_DOMAIN_MAX:
            errors[domain] = _("영역마다 문구는 %(max)s개까지입니다. (지금 %(n)s개)") % {
                "max": PER_DOMAIN_MAX, "n": len(texts)}
        elif long is not None:
            errors[domain] = _("문구 하나는 %(problem)s") % {"problem": long}
        elif repeated is not None:
            errors[domain] = _("같은 문구가 두 번 있습니다: %(text)s") % {"text": repeated}
        wanted[domain] = texts
    if errors:
        raise RuleError(errors)
    return wanted


@transaction.atomic
def phrase_template_create(*, district: District, domain: str, text: str, by: User,
                           order: int | None = None) -> PhraseTemplate:
    """A new active phrase at the end of its domain (or at ``order``). An inactive row of the same text comes
    back instead of a second row."""
    _require_editor(district=district, by=by)
    text = clean_phrase(text)
    errors: dict[str, str] = {}
    if domain not in NeedDomain.values:
        errors["domain"] = _("욕구 영역을 목록에서 고르세요.")
    if (problem := _text_problem(text)) is not None:
        errors["text"] = problem
    if errors:
        raise RuleError(errors)
    rows = PhraseTemplate.objects.select_for_update().filter(district=district, domain=domain)
    same = rows.filter(text=text).first()
    if same is not None and same.active:
        raise RuleError({"text": _("이미 있는 문구입니다.")})
    if rows.filter(active=True).count() >= PER_DOMAIN_MAX:
        raise RuleError({"text": _("영역마다 문구는 %(max)s개까지입니다.") % {"max": PER_DOMAIN_MAX}})
    if order is None:
        order = (rows.filter(active=True).aggregate(last=Max("order"))["last"] or 0) + 1
    if same is not None:
        return model_update(same, {"active": True, "order": order}, FIELDS, by=by,
                            verb="households.phrasetemplate.updated")[0]
    template = PhraseTemplate.objects.create(district=district, domain=domain, text=text, order=order)
    log_action(template, "households.phrasetemplate.created", user=by,
               changes={"domain": domain, "text": text, "order": order})
    return template


@transaction.atomic
def phrase_template_update(*, template: PhraseTemplate, by: User, text: str | None = None,
                           order: int | None = None, active: bool | None = None) -> PhraseTemplate:
    """Change a phrase's text, place or use; what is not given stays."""
    _require_editor(district=template.district, by=by)
    template = PhraseTemplate.objects.select_for_update().get(pk=template.pk)
    values: dict[str, object] = {}
    if text is not None:
        text = clean_phrase(text)
        if (problem := _text_problem(text)) is not None:
            raise RuleError({"text": problem})
        others = PhraseTemplate.objects.filter(district_id=template.district_id, domain=template.domain)
        if others.filter(text=text).exclude(pk=template.pk).exists():
            raise RuleError({"text": _("이미 있는 문구입니다.")})
        values["text"] = text
    if order is not None:
        if order < 0:
            raise RuleError({"order": _("순서는 0 이상이어야 합니다.")})
        values["order"] = order
    if active is not None:
        if active and not template.active and PhraseTemplate.objects.filter(
                district_id=template.district_id, domain=template.domain, active=True).count() >= PER_DOMAIN_MAX:
            raise RuleError({"active": _("영역마다 문구는 %(max)s개까지입니다.") % {"max": PER_DOMAIN_MAX}})
        values["active"] = active
    verb = "households.phrasetemplate.deactivated" if values.get("active") is False and template.active \
        else "households.phrasetemplate.updated"
    return model_update(template, values, FIELDS, by=by, verb=verb)[0]


def phrase_template_deactivate(*, template: PhraseTemplate, by: User) -> PhraseTemplate:
    """Take a phrase off the visit form; the row stays (and comes back if the same text is saved again)."""
    return phrase_template_update(template=template, by=by, active=False)


@transaction.atomic
def phrase_templates_save(*, district: District, by: User, data: Mapping[str, Sequence[str]]
                          ) -> list[PhraseTemplate]:
    """The settings section: each domain in ``data`` gets exactly these phrases, in this order. New texts are
    created, kept ones reordered, known inactive ones reactivated, the rest of the domain deactivated. The
    first save of a district stores the defaults it was shown as its own rows. Returns the active rows."""
    _require_editor(district=district, by=by)
    wanted = phrase_templates_check(data)
    rows = list(PhraseTemplate.objects.select_for_update().filter(district=district).order_by("id"))
    known = {(row.domain, row.text): row for row in rows}
    for domain, texts in wanted.items():
        # Deactivate first: the domain's cap counts active rows only.
        for row in rows:
            if row.domain == domain and row.active and row.text not in texts:
                model_update(row, {"active": False}, FIELDS, by=by, verb="households.phrasetemplate.deactivated")
        for position, text in enumerate(texts, start=1):
            same = known.get((domain, text))
            if same is None:
                created = PhraseTemplate.objects.create(district=district, domain=domain, text=text, order=position)
                log_action(created, "households.phrasetemplate.created", user=by,
                           changes={"domain": domain, "text": text, "order": position})
                known[(domain, text)] = created
            elif same.order != position or not same.active:
                model_update(same, {"order": position, "active": True}, FIELDS, by=by,
                             verb="households.phrasetemplate.updated")
    return [row for row in known.values() if row.active]
