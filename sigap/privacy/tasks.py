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


@shared_task(name="sigap.privacy.tasks.process_photo", acks_late=True)
def process_photo(photo_id: int) -> str:
    """De-identify one photo (``sigap.privacy.photo_worker``); a failed attempt is retried by the sweep."""
    from .photo_worker import photo_process

    return photo_process(photo_id)


@shared_task(name="sigap.privacy.tasks.sweep_photos")
def sweep_photos() -> dict:
    """Photos left processing (broker down at upload, a worker killed mid-way); sent by a worker that starts
    (the periodic job ``photos-sweep`` runs the same sweep as ``sigap photos sweep``)."""
    from .photo_worker import photos_sweep

    return photos_sweep()


def _sweep_on_worker_start(sender=None, **_kwargs) -> None:
    """A Celery worker that starts takes up what its predecessor left behind, without waiting for beat."""
    try:
        sender.app.send_task("sigap.privacy.tasks.sweep_photos")
    except Exception:  # noqa: BLE001 - beat will run the sweep anyway
        pass


try:
    from celery.signals import worker_ready

    worker_ready.connect(_sweep_on_worker_start, weak=False)
except ImportError:  # pragma: no cover
    pass
