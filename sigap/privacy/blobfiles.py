"""Where the vault keeps large ciphertexts: ``STORAGES["vault"]`` (see ``sigap.core.objectstore``).

On a single machine that is a directory, ``$SIGAP_HOME/vault``. A report is acknowledged only once its photo's
ciphertext is on disk, so this storage syncs each file and every directory entry on its way from the storage's
root (a day's directories are new with its first file) before ``save`` returns; Django's own file storage
leaves them in the page cache, where a power cut would lose an original the reporter was told was received.
The root is kept to its owner (0700) whatever its mode was. An object store's PUT answers once the object is
stored, so it needs nothing more.
"""

from __future__ import annotations

import os
import stat

from django.core.files.storage import FileSystemStorage


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        name = super()._save(name, content)
        path = self.path(name)
        root = os.path.realpath(self.location)
        _fsync(path)
        directory = os.path.dirname(path)
        while True:  # the file's directory, its parents up to the root, and the root's own entry
            _fsync(directory)
            if os.path.realpath(directory) == root:
                _fsync(os.path.dirname(root))
                break
            directory = os.path.dirname(directory)
        if stat.S_IMODE(os.stat(root).st_mode) & 0o077:
            os.chmod(root, 0o700)
        return name
