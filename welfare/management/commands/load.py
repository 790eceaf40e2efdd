"""``manage.py load``: the load test of issue 19 (gunicorn, production settings, Locust); see welfare.demo.loadtest."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from welfare.demo.loadtest.driver import LoadError, Options, run
from welfare.demo.organisation import DemoAccountConflict


class Command(BaseCommand):
    help = ("Load test on this machine: gunicorn (production settings) on PostgreSQL and Redis, driven by Locust; "
            "prints RPS, p50/p95/p99 and errors per request kind and PASS/FAIL against issue 19's targets.")

    def add_arguments(self, parser):
        defaults = Options.__dataclass_fields__
        parser.add_argument("--households", type=int, default=defaults["households"].default,
                            help="Demo households at least (seeded if fewer; default %(default)s).")
        parser.add_argument("--users", type=int, default=defaults["users"].default,
                            help="Users of run (a), with think time (default %(default)s).")
        parser.add_argument("--seconds", type=int, default=defaults["seconds"].default,
                            help="Length of run (a) (default %(default)s).")
        parser.add_argument("--saturation-users", type=int, default=defaults["saturation_users"].default,
                            help="Users of the saturation runs, no think time (default %(default)s).")
        parser.add_argument("--saturation-seconds", type=int, default=defaults["saturation_seconds"].default,
                            help="Length of the saturation run of the mix (default %(default)s).")
        parser.add_argument("--ratio-rounds", type=int, default=defaults["ratio_rounds"].default,
                            help="Runs of the household list alone and of the trivial page alone, alternating "
                                 "(default %(default)s).")
        parser.add_argument("--ratio-seconds", type=int, default=defaults["ratio_seconds"].default,
                            help="Length of each of those runs (default %(default)s).")
        parser.add_argument("--workers", type=int, default=defaults["workers"].default,
                            help="gunicorn workers (default %(default)s).")
        parser.add_argument("--port", type=int, default=defaults["port"].default,
                            help="Port on 127.0.0.1 (default: a free one).")
        parser.add_argument("--redis-url", default=defaults["redis_url"].default,
                            help="Redis for the server's cache and Celery (default %(default)s).")
        parser.add_argument("--seed", type=int, default=defaults["seed"].default, help="Seed of the demo data.")

    def handle(self, *args, **options):
        load = Options(households=options["households"], users=options["users"], seconds=options["seconds"],
                       saturation_users=options["saturation_users"],
                       saturation_seconds=options["saturation_seconds"], ratio_rounds=options["ratio_rounds"],
                       ratio_seconds=options["ratio_seconds"], workers=options["workers"],
                       port=options["port"], redis_url=options["redis_url"], seed=options["seed"])
        try:
            run(load, self.stdout.write)
        except (LoadError, DemoAccountConflict) as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt:
            raise CommandError("Interrupted (gunicorn and Locust were stopped).") from None
