from celery import shared_task


# The task keeps the name it had when it lived in sigap.core: a beat and workers of different versions still agree.
@shared_task(name="sigap.core.tasks.periodic", acks_late=True)
def periodic(job: str) -> str:
    """One of Sigap's periodic jobs (``sigap.config.periodic.JOBS``), sent by Celery beat."""
    from sigap.config.periodic import run_job

    return run_job(job)
