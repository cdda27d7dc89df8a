"""Sessions stored under a keyed hash of their key, so the session table holds no cookie anyone can present.

Django's database sessions store the cookie's value as the row's primary key: whoever can read the database
(its owner, a dump) could take a signed-in privacy officer's session while it lasts. Here the row's key is
HMAC-SHA256 of the cookie value under a key derived from ``SECRET_KEY`` (not in the database), cut to the
column's 40 characters (160 bits). Everything else is Django's database backend. Changing ``SECRET_KEY``
ends every session (everyone signs in again).

The row's data is bound to the row: it is signed with a salt that holds the row's (hashed) key, and the signed
payload carries the session's expiry. Someone who can write the table but holds no ``SECRET_KEY`` can neither copy
a signed-in officer's data onto a row whose cookie they hold (the signature fails: an empty session, a new key)
nor keep a session alive by moving ``expire_date`` (the signed expiry is checked on every load). Data written
before this binding existed does not load either: everyone signs in once more.

The data is also encrypted (Fernet) under a key drawn from the cookie's value and ``SECRET_KEY``: signed alone it
was readable by anyone holding the row (base64 and zlib), and it names what a browser did (the reports it filed
and followed, Privat and Anonim ones side by side, the staff account signed in on it). Neither a database reader
nor a holder of ``SECRET_KEY`` without the cookie can read it.

``SESSION_ENGINE = "sigap.officers.sessions"`` (settings).
"""

from __future__ import annotations

import base64
import logging
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "sigap.officers.sessions.key"
DATA_SALT = "sigap.officers.sessions.data:"
ENCRYPTION_SALT = "sigap.officers.sessions.encryption"


def stored_key(session_key: str) -> str:
    return salted_hmac(SALT, session_key, algorithm="sha256").hexdigest()[:40]


class SessionStore(DatabaseSessionStore):
    @property
    def key_salt(self):
        """The data's signature holds the row it belongs to: a blob moved to another row does not verify."""
        return DATA_SALT + stored_key(self.session_key or "")

    def _cipher(self) -> Fernet:
        """The data's key: drawn from the cookie's value, which the database never holds, and ``SECRET_KEY``."""
        secret = salted_hmac(ENCRYPTION_SALT, self.session_key or "", algorithm="sha256").digest()
        return Fernet(base64.urlsafe_b64encode(secret))

    def encode(self, session_dict, expire_date: datetime | None = None):
        if expire_date is None:
            expire_date = timezone.now() + timedelta(seconds=self.get_session_cookie_age())
        signed = signing.dumps(
            {"s": session_dict, "e": int(expire_date.timestamp())},
            salt=self.key_salt,
            serializer=self.serializer,
            compress=True,
        )
        return self._cipher().encrypt(signed.encode()).decode()

    def _open(self, session_data):
        """The session's data if it decrypts under this cookie's key, its signature (under this row's key) holds
        and its signed expiry is ahead."""
        try:
            signed = self._cipher().decrypt((session_data or "").encode()).decode()
            payload = signing.loads(signed, salt=self.key_salt, serializer=self.serializer)
        except (signing.BadSignature, InvalidToken):
            logging.getLogger("django.security.SuspiciousSession").warning("Session data corrupted")
            return None
        except Exception:  # noqa: BLE001 - any unreadable session is no session, as in Django's own backend
            return None
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("s"), dict)
            or not isinstance(payload.get("e"), int)
            or payload["e"] <= timezone.now().timestamp()
        ):
            return None
        return payload["s"]

    def decode(self, session_data):
        data = self._open(session_data)
        return {} if data is None else data

    def load(self):
        s = self._get_session_from_db()
        data = self._open(s.session_data) if s else None
        if data is None:
            if s:  # a row that does not verify (moved, tampered, past its signed expiry) is of no use to anyone
                self.model.objects.filter(session_key=s.session_key).delete()
            self._session_key = None  # an empty session under a new key, as for a missing row
            return {}
        return data

    async def aload(self):
        s = await self._aget_session_from_db()
        data = self._open(s.session_data) if s else None
        if data is None:
            if s:
                await self.model.objects.filter(session_key=s.session_key).adelete()
            self._session_key = None
            return {}
        return data

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
            return await self.model.objects.aget(
                session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None

    def exists(self, session_key):
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    async def aexists(self, session_key):
        return await self.model.objects.filter(session_key=stored_key(session_key)).aexists()

    def create_model_instance(self, data):
        key = stored_key(self._get_or_create_session_key())
        expire_date = self.get_expiry_date()
        return self.model(session_key=key, session_data=self.encode(data, expire_date), expire_date=expire_date)

    async def acreate_model_instance(self, data):
        key = stored_key(await self._aget_or_create_session_key())
        expire_date = await self.aget_expiry_date()
        return self.model(session_key=key, session_data=self.encode(data, expire_date), expire_date=expire_date)

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
