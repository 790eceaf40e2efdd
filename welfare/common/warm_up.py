"""What a server process does once at start-up that its first request would otherwise do.

Django imports the URLconf (and with it every view module and what they import), builds its reverse lookups and
loads the translation catalogues on the first request that needs them: about half a second on these machines,
paid by one user per server process, and the modules loaded then are young objects for the garbage collector to
walk for the life of the process (``welfare.common.gc_tuning`` freezes only what is alive when it runs).
``welfare.wsgi`` calls :func:`warm_up` before the freeze; ``manage.py bench`` calls it in the processes whose
first request it times (the round export), as a running server would answer it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports the URLconf and every view)
    resolver.reverse_dict  # noqa: B018 (builds the reverse lookups)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")  # loads the language's catalogues
