"""Small file helpers (no Django imports: settings use them)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_secret_file(path: Path, value: str) -> None:
    """Create ``path`` (mode 0600) holding ``value`` atomically; if another process won the race, keep theirs."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
