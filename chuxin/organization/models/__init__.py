"""The organization: the unit tree, members, roles, the campaign and its batches."""

from .campaigns import Batch, BatchLink, BatchParticipation, Campaign, LeadingGroupMembership
from .people import CadreLevel, Gender, Member, MemberStatus, Role, RoleAssignment
from .units import Unit, UnitKind, UnitRollup

__all__ = [
    "Batch",
    "BatchLink",
    "BatchParticipation",
    "CadreLevel",
    "Campaign",
    "Gender",
    "LeadingGroupMembership",
    "Member",
    "MemberStatus",
    "Role",
    "RoleAssignment",
    "Unit",
    "UnitKind",
    "UnitRollup",
]
