import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from welfare.common import gc_tuning
from welfare.common.warm_up import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")
application = get_wsgi_application()
warm_up()  # the URLconf, its views and the catalogues loaded now, not by a first request (and frozen below)
gc_tuning.tune(settings.GC_THRESHOLD)  # after start-up, once per server process (welfare.common.gc_tuning)
