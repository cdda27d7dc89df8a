"""Photos through Django's storage API on an S3-compatible object store, selected by environment, against a
real S3-compatible server on loopback (moto's server mode, started on a free port)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from sigap.core.objectstore import object_storage
from tests.live_sigap import free_port

BUCKET = "sigap-photos"


@pytest.fixture(scope="module")
def s3_server():
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"moto[server] is not installed ({exc}); install the [test] extra")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if proc.poll() is not None:
                pytest.skip(f"the S3-compatible test server (moto) exited with status {proc.returncode}")
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.skip("the S3-compatible test server (moto) did not answer within 15 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_env(s3_server):
    return {
        "SIGAP_S3_BUCKET": BUCKET,
        "SIGAP_S3_ENDPOINT": s3_server,
        "SIGAP_S3_REGION": "us-east-1",
        "SIGAP_S3_ACCESS_KEY": "testing",
        "SIGAP_S3_SECRET_KEY": "testing",
        "SIGAP_S3_PREFIX": "media",
    }


@pytest.fixture
def bucket(s3_env, settings):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_env["SIGAP_S3_ENDPOINT"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(s3_env)}  # resets default_storage
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_local_files_unless_a_bucket_is_named():
    assert object_storage({}) is None
    assert object_storage({"SIGAP_S3_BUCKET": "  "}) is None
    entry = object_storage({"SIGAP_S3_BUCKET": "b", "SIGAP_S3_ENDPOINT": "https://objects.example"})
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert entry["OPTIONS"]["default_acl"] is None and entry["OPTIONS"]["addressing_style"] == "path"
    assert entry["OPTIONS"]["location"] == "media"
    # a prefix set but empty is the bucket's root (installations that keep photos there), not the default
    assert object_storage({"SIGAP_S3_BUCKET": "b", "SIGAP_S3_PREFIX": ""})["OPTIONS"]["location"] == ""
    vault_entry = object_storage({"SIGAP_S3_BUCKET": "b"}, prefix_var="SIGAP_S3_VAULT_PREFIX", prefix="vault")
    assert vault_entry["OPTIONS"]["location"] == "vault"


def test_settings_select_the_object_store_from_the_environment(s3_env, tmp_path):
    code = (
        "from django.core.files.storage import default_storage; "
        "print(type(default_storage._wrapped if hasattr(default_storage, 'bucket_name') else default_storage).__name__)"
    )
    env = {
        **os.environ,
        **s3_env,
        "SIGAP_HOME": str(tmp_path),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split()[-1] == "S3Storage"


@pytest.mark.django_db
def test_photo_file_is_written_read_and_deleted_in_the_bucket(bucket):
    from sigap.reports.models import Photo
    from sigap.reports.tests.factories import submit

    report = submit().report
    content = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes the storage must keep exactly \xff\xd9"
    photo = Photo.objects.create(
        report=report,
        kind=Photo.Kind.REPORT,
        image=ContentFile(content, name="p.jpg"),
        width=1,
        height=1,
        sha256="0" * 64,
        created_at=timezone.now(),
    )
    stored = keys(bucket)
    assert stored == ["media/" + photo.image.name]
    assert photo.image.name.startswith("photos/")
    again = Photo.objects.get(pk=photo.pk)
    with again.image.open("rb") as fh:
        assert fh.read() == content
    # a second photo with the same name does not overwrite the first
    second = Photo.objects.create(
        report=report,
        kind=Photo.Kind.REPORT,
        image=ContentFile(b"other", name="p.jpg"),
        width=1,
        height=1,
        sha256="1" * 64,
        created_at=timezone.now(),
    )
    assert second.image.name != photo.image.name and len(keys(bucket)) == 2
    default_storage.delete(photo.image.name)  # how retention removes a file
    assert keys(bucket) == ["media/" + second.image.name]


@pytest.mark.django_db
def test_vault_originals_go_to_the_bucket_under_their_own_prefix_encrypted(
    bucket, s3_env, settings, django_capture_on_commit_callbacks
):
    from sigap.privacy import vault
    from sigap.privacy.models import VaultBlob

    entry = object_storage(s3_env, prefix_var="SIGAP_S3_VAULT_PREFIX", prefix="vault")
    assert entry["OPTIONS"]["location"] == "vault"
    moved = object_storage({**s3_env, "SIGAP_S3_VAULT_PREFIX": "/kota/vault/"}, prefix_var="SIGAP_S3_VAULT_PREFIX")
    assert moved["OPTIONS"]["location"] == "kota/vault"
    settings.STORAGES = {**settings.STORAGES, "vault": entry}
    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 1024
    original = b"\xff\xd8\xff\xe1 Exif GPS -6.2 106.8 " + os.urandom(20_000)
    ref = vault.blob_store(original, content_type="image/jpeg")
    name = VaultBlob.objects.get(ref=ref).stored_as
    assert keys(bucket) == ["vault/" + name]
    body = bucket.get_object(Bucket=BUCKET, Key="vault/" + name)["Body"].read()
    assert b"Exif GPS" not in body and len(body) == len(original) + 16
    assert vault.blob_read(ref) == original
    with django_capture_on_commit_callbacks(execute=True):
        assert vault.blob_destroy(ref)
    assert keys(bucket) == [] and vault.blob_read(ref) is None


def test_the_vault_prefix_must_differ_from_the_photos_prefix(tmp_path):
    env = {
        **os.environ,
        "SIGAP_S3_BUCKET": "b",
        "SIGAP_S3_PREFIX": "shared",
        "SIGAP_S3_VAULT_PREFIX": "shared/",
        "SIGAP_HOME": str(tmp_path),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "SIGAP_S3_VAULT_PREFIX must differ" in out.stderr
