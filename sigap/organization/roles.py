"""Who may do what, phrased as sentences. Every check reads StaffRole rows."""

from __future__ import annotations

from .models import StaffRole

R = StaffRole.Role
WORKING_ROLES = (R.OFFICER, R.UNIT_ADMIN)


def unit_ids_where(user, *roles: str) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    qs = StaffRole.objects.filter(user=user)
    if roles:
        qs = qs.filter(role__in=roles)
    return set(qs.values_list("unit_id", flat=True))


def has_role(user, role: str) -> bool:
    return getattr(user, "is_authenticated", False) and StaffRole.objects.filter(user=user, role=role).exists()


def user_can_work_at_unit(user, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in unit_ids_where(user, *WORKING_ROLES)


def user_can_validate(user) -> bool:
    return has_role(user, R.VALIDATOR)


def user_can_enter_reports_for_residents(user) -> bool:
    return has_role(user, R.OPERATOR)


def _tree():
    """The unit tree from the cached reference data (``cache.reference_data``: rebuilt when a unit changes), so
    a lookup costs no query of its own and never loads every unit per call."""
    from .cache import reference_data

    return reference_data()


def descendant_unit_ids(root_ids: set[int]) -> set[int]:
    """The units below the given ones in the unit tree (the given ones included)."""
    if not root_ids:
        return set()
    children = _tree().unit_children
    out, stack = set(), list(root_ids)
    while stack:
        node = stack.pop()
        if node in out:
            continue
        out.add(node)
        stack.extend(children.get(node, ()))
    return out


def ancestor_unit_ids(unit_ids: set[int]) -> set[int]:
    """The given units and every unit above them."""
    if not unit_ids:
        return set()
    parent_of = _tree().unit_parent
    out: set[int] = set()
    for pk in unit_ids:
        node = pk
        while node is not None and node not in out:
            out.add(node)
            node = parent_of.get(node)
    return out
