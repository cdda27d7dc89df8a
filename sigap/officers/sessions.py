"""Sessions stored under a keyed hash of their key, so the session table holds no cookie anyone can present.

Django's database sessions store the cookie's value as the row's primary key: whoever can read the database
(its owner, a dump) could take a signed-in privacy officer's session while it lasts. Here the row's key is
HMAC-SHA256 of the cookie value under a key derived from ``SECRET_KEY`` (not in the database), cut to the
column's 40 characters (160 bits). Everything else is Django's database backend. Changing ``SECRET_KEY``
ends every session (everyone signs in again).

``SESSION_ENGINE = "sigap.officers.sessions"`` (settings).
"""
from __future__ import annotations

import logging

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "sigap.officers.sessions.key"


def stored_key(session_key: str) -> str:
    return salted_hmac(SALT, session_key, algorithm="sha256").hexdigest()[:40]


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if self.session_key is None:
            return None
        try:
            return self.model.objects.get(session_key=stored_key(self.session_key), expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None

    async def _aget_session_from_db(self):
        if self.session_key is None:
            return None
        try:
            return await self.model.objects.aget(session_key=stored_key(self.session_key),
                                                 expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None

    def exists(self, session_key):
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    async def aexists(self, session_key):
        return await self.model.objects.filter(session_key=stored_key(session_key)).aexists()

    def create_model_instance(self, data):
        return self.model(session_key=stored_key(self._get_or_create_session_key()), session_data=self.encode(data),
                          expire_date=self.get_expiry_date())

    async def acreate_model_instance(self, data):
        return self.model(session_key=stored_key(await self._aget_or_create_session_key()),
                          session_data=self.encode(data), expire_date=await self.aget_expiry_date())

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=stored_key(session_key)).delete()

    async def adelete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        await self.model.objects.filter(session_key=stored_key(session_key)).adelete()
