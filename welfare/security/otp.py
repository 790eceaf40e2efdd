"""The second factor (django-otp, TOTP): who must use it, the state the gate keeps in the session, QR codes.

Required of the roles with ``needs_second_factor`` (district admins) and of superusers when ``OTP_REQUIRED`` is
on; anyone who enrolled a device is asked for a code after every login either way. The state is computed at
login and kept in the session, so the gate (``welfare.security.middleware``) costs no query per page.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from welfare.models import AccountSecurity
from welfare.permissions import can

SESSION_KEY = "welfare_security"


def second_factor_required(user) -> bool:
    return bool(getattr(settings, "OTP_REQUIRED", False)) and can(user, "needs_second_factor")


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def must_change_password(user) -> bool:
    return AccountSecurity.objects.filter(user=user, must_change_password=True).exists()


def gate_state(user) -> dict:
    """What the account still has to pass in this session (before ``is_verified``)."""
    return {"has_device": confirmed_device(user) is not None, "must_change_password": must_change_password(user)}


def remember(request, user=None) -> dict:
    state = gate_state(user or request.user)
    request.session[SESSION_KEY] = state
    return state


def session_state(request) -> dict:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):  # a session opened before this existed
        state = remember(request)
    return state


def pending_step(request) -> str | None:
    """``"otp_verify"``, ``"otp_enrol"``, ``"password_change"`` or ``None`` for the signed-in ``request.user``."""
    user = request.user
    state = session_state(request)
    verified = getattr(user, "is_verified", lambda: False)()
    if not verified:
        if state.get("has_device"):
            return "otp_verify"
        if second_factor_required(user):
            return "otp_enrol"
    if state.get("must_change_password"):
        return "password_change"
    return None


@receiver(user_logged_in, dispatch_uid="welfare.security.gate_state")
def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, user)


def qr_svg(text: str) -> str:
    """An inline SVG of the QR code for ``text`` (no image file, no external service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def secret_text(device: TOTPDevice) -> str:
    """The device's key in base32, in groups of four, for typing into an app by hand."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_url(device: TOTPDevice) -> str:
    """``otpauth://`` URL naming the issuer and the account."""
    return device.config_url
