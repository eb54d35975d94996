"""Where the bytes of version files and thumbnails live: a local folder (the default) or an S3-compatible
object store (AWS S3, MinIO, Ceph, Wasabi, ...), chosen by configuration.

`file_storage()` reads the environment on every call:
- TAKT_STUDIO_S3_BUCKET set: objects in that bucket, under TAKT_STUDIO_S3_PREFIX (default none), at
  TAKT_STUDIO_S3_ENDPOINT (an `http(s)://host:port` URL; unset: AWS), signed with TAKT_STUDIO_S3_ACCESS_KEY /
  TAKT_STUDIO_S3_SECRET_KEY (unset: boto3's own lookup, e.g. an instance role) in TAKT_STUDIO_S3_REGION
  (default us-east-1); the bucket must exist;
- else the folder TAKT_STUDIO_FILES, else `studio_files` next to a SQLite database file, else
  data/studio_files of the project.

Invariants: a key is written once and never overwritten (keys are content hashes, so the same bytes
give the same key); `get` answers None for a key that is not stored; no access check happens here:
files.py checks the reader before it asks for the bytes.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from services.core.db import PROJECT_ROOT, database_url


class FileStorage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...


@dataclass(frozen=True)
class LocalStorage:
    root: Path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.root / key
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)

    def get(self, key: str) -> bytes | None:
        path = self.root / key
        return path.read_bytes() if path.is_file() else None


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    endpoint: str = ""
    region: str = "us-east-1"
    access_key: str = ""
    secret_key: str = field(default="", repr=False)
    prefix: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> S3Settings | None:
        env = os.environ if env is None else env
        bucket = env.get("TAKT_STUDIO_S3_BUCKET", "").strip()
        if not bucket:
            return None
        prefix = env.get("TAKT_STUDIO_S3_PREFIX", "").strip().strip("/")
        return cls(bucket=bucket, endpoint=env.get("TAKT_STUDIO_S3_ENDPOINT", "").strip(),
                   region=env.get("TAKT_STUDIO_S3_REGION", "").strip() or "us-east-1",
                   access_key=env.get("TAKT_STUDIO_S3_ACCESS_KEY", ""),
                   secret_key=env.get("TAKT_STUDIO_S3_SECRET_KEY", ""), prefix=prefix + "/" if prefix else "")


_CLIENTS: dict[S3Settings, Any] = {}


class S3Storage:
    """Objects in a bucket of an S3-compatible store (boto3; clients are thread-safe and kept per setting)."""

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        if settings not in _CLIENTS:
            import boto3
            from botocore.config import Config
            _CLIENTS[settings] = boto3.client(
                "s3", endpoint_url=settings.endpoint or None, region_name=settings.region,
                aws_access_key_id=settings.access_key or None, aws_secret_access_key=settings.secret_key or None,
                config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}))
        self.client = _CLIENTS[settings]

    def put(self, key: str, data: bytes, content_type: str) -> None:
        if self._head(key):
            return
        self.client.put_object(Bucket=self.settings.bucket, Key=self.settings.prefix + key, Body=data,
                               ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError
        try:
            answer = self.client.get_object(Bucket=self.settings.bucket, Key=self.settings.prefix + key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return bytes(answer["Body"].read())

    def _head(self, key: str) -> bool:
        from botocore.exceptions import ClientError
        try:
            self.client.head_object(Bucket=self.settings.bucket, Key=self.settings.prefix + key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


def local_root() -> Path:
    """TAKT_STUDIO_FILES; else next to a SQLite database file; else data/studio_files of the project."""
    if os.environ.get("TAKT_STUDIO_FILES"):
        return Path(os.environ["TAKT_STUDIO_FILES"])
    url = database_url()
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return Path(url.split("///", 1)[1]).parent / "studio_files"
    return PROJECT_ROOT / "data" / "studio_files"


def file_storage() -> FileStorage:
    """The configured storage: S3 when TAKT_STUDIO_S3_BUCKET is set, else the local folder."""
    settings = S3Settings.from_env()
    return S3Storage(settings) if settings else LocalStorage(local_root())
