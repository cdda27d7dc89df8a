"""Open311 GeoReport v2: discovery, services, service definitions, requests (read and POST), tokens.

Officer-facing in the sense of ``sigap.privacy.tests.test_imports``: nothing here may import the identity
vault, directly or transitively. Creating a request hands personal fields to the vault, so the POST
handler (``post.py``) files its report through a function it is given: ``sigap.config.open311_dispatch`` passes
``sigap.intake.open311.open311_report_file``.
"""
