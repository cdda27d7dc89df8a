"""Where the vault keeps large ciphertexts: ``STORAGES["vault"]`` (see ``sigap.core.objectstore``).

On a single machine that is a directory, ``$SIGAP_HOME/vault``. A report is acknowledged only once its photo's
ciphertext is on disk, so this storage syncs each file and its directory entry before ``save`` returns; Django's
own file storage leaves both in the page cache, where a power cut would lose an original the reporter was told
was received. An object store's PUT answers once the object is stored, so it needs nothing more.
"""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        name = super()._save(name, content)
        path = self.path(name)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        directory = os.open(os.path.dirname(path), os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return name
