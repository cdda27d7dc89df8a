"""Helpers for the organization tests: admin accounts and their browser."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client


def superuser(name: str):
    return get_user_model().objects.create_superuser(name, f"{name}@example.org", "root-password-123")


def admin_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c
