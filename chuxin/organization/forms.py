"""Forms of the organization pages: filters, and the unit and member editors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin

from .models import CadreLevel, Gender, MemberStatus, UnitKind


class UnitFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all kinds")), *UnitKind.choices]
    )


class MemberFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Name, number or position"), required=False, max_length=100)
    cadre_level = forms.ChoiceField(
        label=_("Cadre level"),
        required=False,
        choices=[("", _("all levels")), *CadreLevel.choices],
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("all")), *Gender.choices]
    )
    leading = forms.ChoiceField(
        label=_("Leading cadre"),
        required=False,
        choices=[("", _("all")), ("yes", _("leading cadres")), ("no", _("not leading cadres"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial=MemberStatus.ACTIVE,
        choices=[
            (MemberStatus.ACTIVE, _("active")),
            ("all", _("all")),
            *[c for c in MemberStatus.choices if c[0] != MemberStatus.ACTIVE],
        ],
    )

    def leading_value(self) -> bool | None:
        value = self.cleaned_data.get("leading")
        return {"yes": True, "no": False}.get(value or "")

    def status_value(self) -> str:
        value = self.cleaned_data.get("status") or MemberStatus.ACTIVE
        return "" if value == "all" else value


class UnitForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    order = forms.IntegerField(label=_("Order"), initial=0, required=False)


class MemberForm(StyledFormMixin, forms.Form):
    member_number = forms.CharField(label=_("Member number"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    cadre_level = forms.ChoiceField(
        label=_("Cadre level"), choices=CadreLevel.choices, initial=CadreLevel.ORDINARY
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    is_leading_cadre = forms.BooleanField(label=_("Leading cadre"), required=False)
