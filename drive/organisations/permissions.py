"""People management is decided by ``drive.accounts.permissions.can_manage_people``."""

from drive.accounts.permissions import can_manage_people

__all__ = ["can_manage_people"]
