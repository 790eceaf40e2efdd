"""``manage.py rotate_attachment_keys``: re-encrypt every stored attachment under the first FIELD_ENCRYPTION_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from households.services.attachments import attachments_rotate


class Command(BaseCommand):
    help = "Re-encrypt the stored attachment files under the first (newest) FIELD_ENCRYPTION_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many files (default: all).")

    def handle(self, *args, **options):
        done = attachments_rotate(limit=options["limit"])
        self.stdout.write(f"{done} attachment files re-encrypted under the first key.")
