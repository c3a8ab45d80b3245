"""Settings for the RQ worker processes the scale-out test starts: the test settings, with the
RQ backend on a Redis database of its own (14; tests/site/test_tasks.py uses 15)."""

from ehl.settings.test import *  # noqa: F403
from tests.faults import rq_config

TASKS = rq_config.RQ_TASKS
RQ_QUEUES = rq_config.RQ_QUEUES
