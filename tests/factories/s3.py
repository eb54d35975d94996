"""A real S3-compatible server for the storage tests: moto's server (ThreadedMotoServer) on a free local port,
reached over HTTP by boto3 exactly as a MinIO or AWS endpoint would be (no in-process mock)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from tests.factories.mail import free_port

KEY = SECRET = "takt-test"


@dataclass(frozen=True)
class S3Bucket:
    endpoint: str
    name: str

    def client(self) -> Any:
        return s3_client(self.endpoint)

    def objects(self) -> dict[str, dict]:
        """Key -> head_object answer of every object in the bucket."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {o["Key"]: client.head_object(Bucket=self.name, Key=o["Key"]) for o in listed}

    def env(self) -> dict[str, str]:
        return {"TAKT_STUDIO_S3_BUCKET": self.name, "TAKT_STUDIO_S3_ENDPOINT": self.endpoint,
                "TAKT_STUDIO_S3_ACCESS_KEY": KEY, "TAKT_STUDIO_S3_SECRET_KEY": SECRET}


def start_server() -> tuple[ThreadedMotoServer, str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET)


def new_bucket(endpoint: str) -> S3Bucket:
    bucket = S3Bucket(endpoint=endpoint, name=f"takt-{uuid.uuid4().hex[:12]}")
    s3_client(endpoint).create_bucket(Bucket=bucket.name)
    return bucket
