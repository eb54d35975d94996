"""Version files in S3-compatible object storage: with TAKT_STUDIO_S3_* set, uploads and thumbnails go to the
bucket of a real local S3 server (moto over HTTP) and nothing to the local folder; downloads read them back
after the same access checks; without it, the local folder stays the default."""
from __future__ import annotations

import hashlib

import pytest

from services.core.db import transaction
from services.core.errors import NotFound
from services.studio import files, reviews
from services.studio.storage import LocalStorage, S3Settings, S3Storage, file_storage
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png, png_bytes


def test_uploads_and_thumbnails_land_in_the_bucket(session, world, s3_bucket, tmp_path):
    studio = make_studio(session, world)
    assert isinstance(file_storage(), S3Storage)
    with transaction(session):
        version = reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], now=T0)
    row = version.files[0]
    sha = hashlib.sha256(png_bytes()).hexdigest()
    key = f"{world.org_a}/{sha[:2]}/{sha}"
    stored = s3_bucket.objects()
    assert set(stored) == {key, f"{key}.thumb.png"}
    assert stored[key]["ContentType"] == "image/png" and stored[key]["ContentLength"] == len(png_bytes())
    assert not (tmp_path / "files").exists()
    name, content_type, data = files.open_file(session, actor(session, studio.lead), row.id)
    assert (name, content_type, data) == ("frame.png", "image/png", png_bytes())
    thumb_name, thumb_type, thumb = files.open_file(session, actor(session, studio.lead), row.id, thumbnail=True)
    assert thumb_type == "image/png" and thumb == s3_bucket.client().get_object(
        Bucket=s3_bucket.name, Key=f"{key}.thumb.png")["Body"].read()


def test_downloads_from_the_bucket_keep_the_access_checks(session, world, s3_bucket):
    studio = make_studio(session, world)
    with transaction(session):
        version = reviews.submit_version(session, actor(session, studio.vendor_user), studio.vendor_task_id,
                                         [png()], now=T0)
    file_id = version.files[0].id
    assert files.open_file(session, actor(session, studio.vendor_user), file_id)[2] == png_bytes()
    for outsider in (actor(session, studio.other_vendor_user), actor(session, studio.client_user),
                     world.actor(world.admin_b)):
        with pytest.raises(NotFound):
            files.open_file(session, outsider, file_id)


def test_an_object_gone_from_the_bucket_is_reported_missing(session, world, s3_bucket):
    studio = make_studio(session, world)
    with transaction(session):
        version = reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], now=T0)
    row = version.files[0]
    key = next(k for k in s3_bucket.objects() if not k.endswith(".thumb.png"))
    s3_bucket.client().delete_object(Bucket=s3_bucket.name, Key=key)
    with pytest.raises(NotFound, match="The stored file is missing."):
        files.open_file(session, actor(session, studio.artist), row.id)


def test_the_same_bytes_are_stored_once_and_a_prefix_is_honoured(s3_bucket, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_S3_PREFIX", "/studio/")
    storage = file_storage()
    storage.put("7/ab/abc", b"first", "application/pdf")
    storage.put("7/ab/abc", b"second", "application/pdf")        # a key is never overwritten
    assert storage.get("7/ab/abc") == b"first" and storage.get("7/ab/other") is None
    assert list(s3_bucket.objects()) == ["studio/7/ab/abc"]


def test_local_folder_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv("TAKT_STUDIO_S3_BUCKET", raising=False)
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    storage = file_storage()
    assert storage == LocalStorage(tmp_path / "files")
    storage.put("1/aa/aaa", b"bytes", "image/png")
    assert (tmp_path / "files" / "1" / "aa" / "aaa").read_bytes() == b"bytes" and storage.get("1/aa/bbb") is None


def test_settings_from_the_environment():
    assert S3Settings.from_env({}) is None
    settings = S3Settings.from_env({"TAKT_STUDIO_S3_BUCKET": " media ", "TAKT_STUDIO_S3_ENDPOINT": "http://minio:9000",
                                    "TAKT_STUDIO_S3_ACCESS_KEY": "k", "TAKT_STUDIO_S3_SECRET_KEY": "s"})
    assert settings == S3Settings(bucket="media", endpoint="http://minio:9000", access_key="k", secret_key="s")
    assert "secret_key" not in repr(settings)
