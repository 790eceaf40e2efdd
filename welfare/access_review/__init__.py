"""The district's review of its access log (PIPA safety measures: a monthly review of access records).

- ``subjects``: what an entry records when written (the account's district, the subject's dong and district, outside
  the account's own dongs or not), through a registry in which an app says where a household is;
- ``selectors``: the entries of a district, filtered, with the unusual ones flagged and first (set-based);
- ``services``: marking a month as reviewed, exporting with a reason (both logged);
- ``forms`` and ``views``: the page at /district/access/.
"""
