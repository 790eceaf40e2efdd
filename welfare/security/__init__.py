"""Login protection, the password policy and the second factor (issue 11).

- ``lockout``: django-axes' hooks (the username an attempt counts against) and the access-log entries of
  failed logins, lockouts and unlocks; the list of current locks for the district admin's page.
- ``passwords``: the password validators (a Korean public institution's rule).
- ``otp``: the second factor (django-otp TOTP): who needs it, QR codes.
- ``middleware``: the gate that keeps a signed-in account on the second-factor or password-change pages until
  it has passed them.
- ``views`` / ``urls``: those pages, and /district/security/locked/.

The writes live in ``welfare.services.accounts``.
"""
