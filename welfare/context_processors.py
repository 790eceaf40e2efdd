from .scoping import membership


def staff(request):
    return {"staff_membership": membership(getattr(request, "user", None))}
