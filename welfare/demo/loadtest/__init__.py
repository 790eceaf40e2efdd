"""``make load`` (issue 19 item 2): gunicorn with the production settings on PostgreSQL and Redis, driven by Locust.

- :mod:`welfare.demo.loadtest.mix`: the request kinds, their weights and the targets; the report (no Locust import).
- :mod:`welfare.demo.loadtest.client`: the browser's share — cookies over the loopback, the login, the form token.
- :mod:`welfare.demo.loadtest.locustfile`: the Locust users (imports Locust, which patches the process with gevent:
  import it only in the Locust process).
- :mod:`welfare.demo.loadtest.driver`: the accounts, gunicorn, the Locust runs and the figures (``manage.py load``).
"""
