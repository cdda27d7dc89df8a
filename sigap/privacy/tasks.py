from celery import shared_task

from .relay import deliver_batch


@shared_task(name="sigap.privacy.tasks.deliver_notifications", acks_late=True)
def deliver_notifications(notification_ids: list[int]) -> dict:
    """One batch of rows enqueued together: claimed, resolved, sent and recorded in a few statements. A failed
    send gets its backoff in the row (``next_attempt_at``) and the beat sweep retries it when due."""
    return deliver_batch(notification_ids)


@shared_task(name="sigap.privacy.tasks.deliver_notification", acks_late=True)
def deliver_notification(notification_id: int) -> dict:
    """One id (tasks queued by an earlier version still in the broker)."""
    return deliver_batch([notification_id])

