from celery import shared_task

from .relay import notification_deliver


@shared_task(name="sigap.privacy.tasks.deliver_notification", bind=True, max_retries=5, acks_late=True)
def deliver_notification(self, notification_id: int) -> str:
    result = notification_deliver(notification_id)
    if result == "failed":
        raise self.retry(countdown=min(3600, 30 * 2 ** self.request.retries))
    return result
