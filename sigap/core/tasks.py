from celery import shared_task


@shared_task(name="sigap.core.tasks.periodic", acks_late=True)
def periodic(job: str) -> str:
    """One of Sigap's periodic jobs (``sigap.core.periodic.JOBS``), sent by Celery beat."""
    from sigap.core.periodic import run_job

    return run_job(job)
