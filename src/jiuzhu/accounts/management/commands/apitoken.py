from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jiuzhu.accounts.models import User
from jiuzhu.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user: `jiuzhu apitoken USERNAME --name 用途`. The key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("没有账号 %(u)s") % {"u": options["username"]})
        _token, key = api_token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
