from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def form_add_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
