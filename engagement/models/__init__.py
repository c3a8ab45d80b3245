from .accounts import User, UserManager
from .audit import AuditEvent
from .base import PublicIdModel, TimeStampedModel
from .claims import CostClaim
from .consent import ConsentStatement
from .focus_groups import FocusGroup
from .organisations import Membership, Organisation
from .places import AccessFeature, Cohort, Place, SubRegion
from .registrations import Registration

__all__ = [
    "AccessFeature",
    "AuditEvent",
    "Cohort",
    "ConsentStatement",
    "CostClaim",
    "FocusGroup",
    "Membership",
    "Organisation",
    "Place",
    "PublicIdModel",
    "Registration",
    "SubRegion",
    "TimeStampedModel",
    "User",
    "UserManager",
]
