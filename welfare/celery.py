"""The Celery app. Broker and result backend come from settings (``REDIS_URL`` or the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")

app = Celery("welfare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_local_broker_folders() -> None:
    """The filesystem transport needs its folders before the first message."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "data_folder_processed"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        os.makedirs(settings.CELERY_RESULT_BACKEND.removeprefix("file://"), exist_ok=True)
