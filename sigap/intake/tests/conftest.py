"""The channel fixtures (``sigap.intake.tests.channel_helpers``) for every test module here."""

from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    deliver,
    fake,
    mail_in,
    remote,
    selesai,
)
