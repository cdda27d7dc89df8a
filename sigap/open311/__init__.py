"""Open311 GeoReport v2 (read side): discovery, services, service definitions, requests, tokens.

Officer-facing in the sense of ``sigap.privacy.tests.test_imports``: nothing here may import the identity
vault, directly or transitively. Creating a request hands personal fields to the vault, so the POST
handler lives in ``sigap.intake.open311`` and ``sigap.config.open311_dispatch`` joins the two on one URL.
"""
