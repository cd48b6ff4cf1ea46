"""``spbe create_api_token USERNAME --name NAME``: print a new bearer token for a staff client."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spbe.accounts.models import User
from spbe.accounts.services import api_token_create
from spbe.core.actors import system


class Command(BaseCommand):
    help = "Create an API token for a user; the token is printed once and only its hash is stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Pengguna '{username}' tidak ada.")
        _token, secret = api_token_create(actor=system("create_api_token"), user=user, name=name)
        self.stdout.write(secret)
