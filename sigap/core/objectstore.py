"""Photos in an S3-compatible object store (AWS S3, MinIO, Ceph, SeaweedFS, a cloud's S3 API) via django-storages.

Selected by environment: with ``SIGAP_S3_BUCKET`` set, Django's default storage (and with it every ``FileField``,
i.e. ``Photo.image``) writes to and reads from the bucket, so web processes and workers on different machines see
the same files. Objects are private (no ACL is set; the bucket must not be public): photos are only ever
served through Sigap's access-checked endpoints, which read them through the storage.

| variable | meaning |
| --- | --- |
| ``SIGAP_S3_BUCKET`` | bucket name (required to switch) |
| ``SIGAP_S3_ENDPOINT`` | endpoint URL for a non-AWS store, e.g. ``https://objects.kota.go.id`` |
| ``SIGAP_S3_REGION`` | region name (AWS: the bucket's region) |
| ``SIGAP_S3_ACCESS_KEY`` / ``SIGAP_S3_SECRET_KEY`` | credentials (else boto3's usual chain: instance role, ...) |
| ``SIGAP_S3_PREFIX`` | key prefix inside the bucket (default ``media``) |
| ``SIGAP_S3_VAULT_PREFIX`` | key prefix of the vault's encrypted originals (default ``vault``; see below) |
| ``SIGAP_S3_ADDRESSING`` | ``path`` or ``virtual`` (default ``path`` with an endpoint, else boto3's choice) |

The vault's large ciphertexts (photos exactly as uploaded, encrypted before they leave the process) go to
``STORAGES["vault"]``: the same bucket under their own prefix, or ``$SIGAP_HOME/vault`` without a bucket. Their
data keys stay in the database (``privacy.VaultBlob``), so neither the bucket alone nor the database alone reads
one.
"""

from __future__ import annotations

from collections.abc import Mapping


def object_storage(
    env: Mapping[str, str], *, prefix_var: str = "SIGAP_S3_PREFIX", prefix: str = "media"
) -> dict | None:
    """The STORAGES entry for the object store the environment names, or None (local files). ``prefix_var`` names
    the variable holding the key prefix, ``prefix`` is its default (photos: media; the vault: vault)."""
    bucket = env.get("SIGAP_S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = env.get("SIGAP_S3_ENDPOINT", "").strip() or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.get("SIGAP_S3_REGION", "").strip() or None,
        "access_key": env.get("SIGAP_S3_ACCESS_KEY") or None,
        "secret_key": env.get("SIGAP_S3_SECRET_KEY") or None,
        "location": env.get(prefix_var, prefix).strip().strip("/"),  # set but empty: the bucket's root
        "default_acl": None,  # objects stay private: the bucket's own policy applies
        "querystring_auth": True,  # never a public URL (Sigap does not hand out storage URLs anyway)
        "file_overwrite": False,  # a name already taken gets a suffix, as on disk
        "addressing_style": env.get("SIGAP_S3_ADDRESSING") or ("path" if endpoint else None),
        "signature_version": "s3v4",
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
