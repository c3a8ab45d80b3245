"""Background jobs the task queue could not take when they were enqueued.

When the queue's own store is unreachable (Redis down while `TASK_BACKEND=rq`), the job is
written here instead of being lost; `manage.py drain_task_outbox` hands it to the queue once the
queue is back. See `engagement.background`."""

from django.db import models


class TaskOutbox(models.Model):
    """One job waiting to be handed to the task queue, with everything needed to enqueue it."""

    # The task's import path, as django_tasks names it ("engagement.tasks.deliver_email").
    task_path = models.CharField(max_length=200)
    backend = models.CharField(max_length=40, default="default")
    queue_name = models.CharField(max_length=40, default="default")
    priority = models.IntegerField(default=0)
    run_after = models.DateTimeField(null=True, blank=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(
        default=1, help_text="Times the queue refused this job, counting the first."
    )
    # The kind of failure only (e.g. "ConnectionError"): messages can quote arguments.
    last_error = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "task waiting for the queue"
        verbose_name_plural = "tasks waiting for the queue"

    def __str__(self) -> str:
        return f"{self.task_path} (queued {self.created_at:%Y-%m-%d %H:%M})"
