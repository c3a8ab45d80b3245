"""The kinds of people the programme hears from. Shared by every capture setting so that segments
from a survey, a roundtable table and a conversation can be compared in one report."""

from django.db import models


class StakeholderGroup(models.TextChoices):
    RESIDENT = "resident", "Resident"
    EMPLOYER = "employer", "Employer"
    HEALTH = "health", "Health service"
    EMPLOYMENT_SUPPORT = "employment-support", "Employment support"
    VCFSE = "vcfse", "VCFSE organisation"
    POLICY = "policy", "Policy and commissioning"
    ACADEMIA = "academia", "Academia"
    OTHER_SERVICE = "service", "Other service"
