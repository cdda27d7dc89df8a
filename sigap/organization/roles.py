"""Who may do what, phrased as sentences. Every check reads StaffRole rows.

An account's roles are read once per user object (``role_pairs``), which lives for one request: a page's
access checks, its scope and its second-factor rule share one read instead of each making its own. When the
request's account was signed in by an API token or a session, the read is the one its credential seal was just
checked against (``sigap.officers.seal``), so the roles a page acts on are exactly the sealed ones. Any role
written by this process (admin, four-eyes role change, tests) makes every remembered read stale."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .models import StaffRole

R = StaffRole.Role
WORKING_ROLES = (R.OFFICER, R.UNIT_ADMIN)
_MEMO = "_sigap_role_pairs"
_generation = 0  # bumped by every StaffRole write in this process: a remembered read of an older one is stale


def _roles_changed(sender, **kwargs) -> None:
    global _generation
    _generation += 1


post_save.connect(_roles_changed, sender=StaffRole, dispatch_uid="sigap-roles-changed-save")
post_delete.connect(_roles_changed, sender=StaffRole, dispatch_uid="sigap-roles-changed-delete")


def remember_role_pairs(user, pairs) -> None:
    """Keep ``pairs`` ((role, unit_id), as just read from the database) as the account's roles for this user
    object (the credential seal's read)."""
    setattr(user, _MEMO, (_generation, frozenset((str(r), u) for r, u in pairs)))


def role_pairs(user) -> frozenset[tuple[str, int]]:
    """The account's (role, unit_id) pairs: one read per user object, unless a role was written since."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return frozenset()
    memo = getattr(user, _MEMO, None)
    if memo is None or memo[0] != _generation:
        remember_role_pairs(user, StaffRole.objects.filter(user_id=user.pk).values_list("role", "unit_id"))
        memo = getattr(user, _MEMO)
    return memo[1]


def unit_ids_where(user, *roles: str) -> set[int]:
    return {u for r, u in role_pairs(user) if not roles or r in roles}


def has_role(user, role: str) -> bool:
    return any(r == role for r, _u in role_pairs(user))


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
