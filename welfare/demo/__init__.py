"""Synthetic demo data and the benchmark: a composition place, the one part of ``welfare`` that imports the apps.

``seeding.seed`` is what ``manage.py seed_demo`` runs: geography and demo users (``organisation``), households
and residents (``households``, drawn with ``people``), resources (``resources``), a year of casework
(``casework``), the community network, crisis reports and rewards (``discovery``), last year's plan (``plans``).
``busy`` gives one household a long timeline; ``bench`` holds the scenarios of ``manage.py bench``, ``loadtest``
the Locust load test of ``manage.py load``.
Everything is invented and identifies no real person.
"""
