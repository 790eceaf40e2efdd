"""The plans API. Each module of this package registers its own viewsets on the one router (welfare.api.router):
``resources.py`` the resource directory; a module added beside it (``plans.py`` for plans and targets) is imported
here without changing this file."""

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
