from celery import shared_task

from .inbox import inbound_process


@shared_task(name="sigap.intake.tasks.process_inbound", bind=True, max_retries=5, acks_late=True)
def process_inbound(self, pk: int) -> str:
    result = inbound_process(pk)
    if result == "failed":
        raise self.retry(countdown=min(1800, 15 * 2**self.request.retries))
    return result
