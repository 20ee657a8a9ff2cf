"""Spam resistance without a third-party CAPTCHA: a honeypot field people never see, and the moment the form
was shown, signed into it, so a post that comes back too fast or with a forged time is refused."""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.portal.conf import min_fill_seconds

SALT = "jiuzhu.portal.form-shown"
MAX_AGE = 6 * 3600


class SpamCheckedForm(forms.Form):
    # Named like a field a robot would fill; hidden from people by CSS and aria-hidden in the template.
    website = forms.CharField(required=False, label=gettext_lazy("网址（请留空）"))
    shown = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial["shown"] = signing.dumps(time.time(), salt=SALT)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            raise forms.ValidationError(_("提交未成功，请刷新页面后重试"))
        try:
            shown = float(signing.loads(str(cleaned.get("shown", "")), salt=SALT, max_age=MAX_AGE))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(_("页面已过期，请刷新页面后重新填写")) from None
        if time.time() - shown < min_fill_seconds():
            raise forms.ValidationError(_("提交过快，请核对填写内容后再提交"))
        return cleaned
