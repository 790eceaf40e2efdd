import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from welfare.common import gc_tuning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")
application = get_wsgi_application()
gc_tuning.tune(settings.GC_THRESHOLD)  # after start-up, once per server process (welfare.common.gc_tuning)
