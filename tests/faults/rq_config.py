"""Where the fault tests' RQ queues live: the real local Redis on database 14, or a port where
nothing listens (connections are refused, as when Redis is down)."""

REAL_REDIS = "redis://127.0.0.1:6379/14"
REFUSED_REDIS = "redis://127.0.0.1:6390/14"

RQ_TASKS = {
    "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "nlp"]},
}


def rq_queues(url: str) -> dict:
    return {
        "default": {"URL": url, "DEFAULT_TIMEOUT": 60},
        "nlp": {"URL": url, "DEFAULT_TIMEOUT": 600},
    }


RQ_QUEUES = rq_queues(REAL_REDIS)
