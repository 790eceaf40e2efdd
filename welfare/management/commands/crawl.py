"""``manage.py crawl``: every link and form of the demo, as each demo account, with odd values; see
welfare.demo.crawl."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from welfare.demo.crawl import ACCOUNTS, ODD_VALUES, crawl


class Command(BaseCommand):
    help = ("Follow every link of the demo as each demo account and send every form again with odd values "
            "(rolled back); report 5xx answers and links that answer 403 or 404. Exits 1 on any finding.")

    def add_arguments(self, parser):
        parser.add_argument("accounts", nargs="*", default=list(ACCOUNTS),
                            help="Demo accounts (default: %(default)s).")
        parser.add_argument("--pages", type=int, default=150, help="Pages read per account (default %(default)s).")
        parser.add_argument("--per-kind", type=int, default=2,
                            help="Pages followed per kind of address, ids aside (default %(default)s).")
        parser.add_argument("--no-forms", action="store_true", help="Follow the links only.")
        parser.add_argument("--slow-ms", type=int, default=None,
                            help="Also report any answer slower than this many milliseconds (default: off).")

    def handle(self, *args, **options):
        found = crawl(options["accounts"], pages=options["pages"], per_kind=options["per_kind"],
                      values=() if options["no_forms"] else ODD_VALUES, write=self.stdout.write,
                      slow_ms=options["slow_ms"])
        if found:
            raise CommandError(f"{len(found)} finding(s): 5xx answers, links to a refusal or slow answers "
                               "(listed above).")
        self.stdout.write("Nothing found: no 5xx, no link to a refusal" +
                          (f", no answer slower than {options['slow_ms']} ms." if options["slow_ms"] else "."))
