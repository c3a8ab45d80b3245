from .accounts import User, UserManager
from .audit import AuditEvent
from .base import PublicIdModel, TimeStampedModel
from .claims import CostClaim
from .consent import ConsentStatement
from .conversations import ConversationLog, EmployerEngagement, HealthCondition
from .focus_groups import FocusGroup
from .organisations import Membership, Organisation
from .outbox import TaskOutbox
from .places import AccessFeature, Cohort, Place, SubRegion
from .registrations import Registration
from .rounds import EngagementRound
from .roundtables import (
    RoundtableEvent,
    RoundtableNote,
    RoundtableQuestion,
    RoundtableSeries,
    RoundtableTable,
)
from .stakeholders import StakeholderGroup
from .surveys import SurveyDemographics, SurveyResponse
from .transcripts import Transcript

__all__ = [
    "AccessFeature",
    "AuditEvent",
    "Cohort",
    "ConsentStatement",
    "ConversationLog",
    "CostClaim",
    "EmployerEngagement",
    "EngagementRound",
    "FocusGroup",
    "HealthCondition",
    "Membership",
    "Organisation",
    "Place",
    "PublicIdModel",
    "Registration",
    "RoundtableEvent",
    "RoundtableNote",
    "RoundtableQuestion",
    "RoundtableSeries",
    "RoundtableTable",
    "StakeholderGroup",
    "SubRegion",
    "SurveyDemographics",
    "SurveyResponse",
    "TaskOutbox",
    "TimeStampedModel",
    "Transcript",
    "User",
    "UserManager",
]
