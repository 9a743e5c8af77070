"""Who may do what. Services call these; the GUI may use them to explain, never to enforce."""

from crowdops.domain.enums import Role
from crowdops.domain.errors import PermissionDeniedError


def require_can_log_incident(role: Role, exercise: bool, user: str) -> None:
    if role in (Role.COMMANDER, Role.COMMS):
        return
    if role is Role.TRAINER and exercise:
        return
    where = "exercise" if exercise else "live"
    raise PermissionDeniedError(f"{user} is {role.noun_phrase} and may not log incidents in a {where} operation.")


def require_can_manage_operation(role: Role, exercise: bool, user: str) -> None:
    if role is Role.COMMANDER or (role is Role.TRAINER and exercise):
        return
    what = "exercise" if exercise else "live"
    raise PermissionDeniedError(f"{user} is {role.noun_phrase} and may not create or change a {what} operation.")


def require_can_manage_users(role: Role, user: str) -> None:
    if role is not Role.COMMANDER:
        raise PermissionDeniedError(f"{user} is {role.noun_phrase}; only a commander may add users.")


def require_can_compose(role: Role, exercise: bool, user: str) -> None:
    if role in (Role.COMMANDER, Role.COMMS) or (role is Role.TRAINER and exercise):
        return
    where = "an exercise" if exercise else "a live operation"
    raise PermissionDeniedError(f"{user} is {role.noun_phrase} and may not write public messages in {where}.")


def require_can_approve(role: Role, exercise: bool, user: str) -> None:
    """Commanders approve; in an exercise, trainers too (they play the commander for the trainees)."""
    if role is Role.COMMANDER or (role is Role.TRAINER and exercise):
        return
    who = "a commander or a trainer" if exercise else "a commander"
    raise PermissionDeniedError(f"{user} is {role.noun_phrase}; only {who} may approve or reject public messages here.")


def require_can_manage_channels(role: Role, user: str) -> None:
    if role is not Role.COMMANDER:
        raise PermissionDeniedError(f"{user} is {role.noun_phrase}; only a commander may set up publishing channels.")


def require_can_manage_rumours(role: Role, exercise: bool, user: str) -> None:
    if role in (Role.COMMANDER, Role.COMMS) or (role is Role.TRAINER and exercise):
        return
    where = "an exercise" if exercise else "a live operation"
    raise PermissionDeniedError(f"{user} is {role.noun_phrase} and may not manage rumours in {where}.")
