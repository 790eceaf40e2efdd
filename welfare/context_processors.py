from .common.prepared import Prepared
from .models import Notification
from .permissions import Capabilities
from .scoping import membership

_UNREAD_ATTR = "_welfare_unread_notifications"
# The bell's count, on every signed-in page: compiled once (welfare/common/prepared.py).
unread_of = Prepared(lambda user_id: Notification.objects.filter(user_id=user_id).unread().values_list("pk"), int)


def staff(request):
    user = getattr(request, "user", None)
    # ``can.<capability>`` asks the one permission table (welfare/permissions.py), lazily and once per name.
    return {"staff_membership": membership(user), "can": Capabilities(user)}


def unread_notifications(request) -> int:
    """The signed-in user's unread notifications: one COUNT (on the user/read_at index), cached on the request."""
    cached = getattr(request, _UNREAD_ATTR, None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = unread_of.count(user.pk) if user and user.is_authenticated else 0
        setattr(request, _UNREAD_ATTR, cached)
    return cached


def notifications(request):
    # A callable: the template calls it only where the bell is drawn (signed-in pages), so other responses
    # (the login page, HTMX fragments) run no query.
    return {"notifications_unread": lambda: unread_notifications(request)}
