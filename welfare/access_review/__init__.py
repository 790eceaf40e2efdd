"""The district's review of its access log (PIPA safety measures: a monthly review of access records).

- ``subjects``: the registry through which an app says which dong a household (the entry's subject) is in;
- ``selectors``: the entries of a district, filtered, with the unusual ones flagged and first (set-based);
- ``services``: marking a month as reviewed, exporting with a reason (both logged);
- ``forms`` and ``views``: the page at /district/access/.
"""
