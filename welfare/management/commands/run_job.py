"""``manage.py run_job NAME``: run one scheduled job by hand, now, in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from welfare.jobs import jobs, run_job


class Command(BaseCommand):
    help = "Run a scheduled job now. Without --force a window already run (today / this hour) is left alone."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="job name; omit to list the jobs")
        parser.add_argument("--force", action="store_true", help="run again even if this window already ran")

    def handle(self, *args, name=None, force=False, **options):
        registry = jobs()
        if not name:
            for job in registry.values():
                self.stdout.write(f"{job.name:<22} {job.window:<5} {job.label}")
            return
        if name not in registry:
            raise CommandError(f"Unknown job {name!r}. Known jobs: {', '.join(sorted(registry))}")
        run = run_job(name, force=force)
        if run is None:
            self.stdout.write(self.style.WARNING(f"{name}: this window already ran; use --force to run it again."))
            return
        counts = ", ".join(f"{k}={v}" for k, v in run.counts.items()) or "nothing to do"
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"{name} [{run.run_key}] done in {seconds:.2f} s: {counts}"))
