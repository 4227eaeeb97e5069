"""moto's S3 server on loopback, so tests run the real boto3 and django-storages stack.

moto speaks S3 but checks neither the expiry nor the signature of presigned URLs;
`ExpiringPresignedUrls` wraps its WSGI app and refuses, the way S3 does (403), an expired
query-signed request ("Request has expired") and a SigV4 one whose signature does not match
(an edited key: `SignatureDoesNotMatch`), so tests can check that a private link stops working
and cannot be bent towards another file.

Fixtures (import them into a test module):
- `s3_server`: one server for the session; yields its endpoint URL.
- `s3_storages`: a fresh bucket per test and STORAGES switched to the tenant S3 storages.
"""

from __future__ import annotations

import datetime
import hmac
import json
import threading
import time
import urllib.parse
import uuid

import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


def error_body(code: str, message: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>"
    ).encode()


def expected_sigv4_query_signature(method: str, host: str, raw_uri: str) -> str | None:
    """The SigV4 signature botocore would compute for this presigned request, with the fake's
    credentials (None for an unknown access key)."""
    path, _, query = raw_uri.partition("?")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    pairs = [(key, value) for key, value in pairs if key != "X-Amz-Signature"]
    params = dict(pairs)
    access_key, _, scope = params.get("X-Amz-Credential", "").partition("/")
    if access_key != ACCESS_KEY:
        return None
    region = scope.split("/")[1] if scope.count("/") >= 1 else REGION
    url = f"http://{host}{path}?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)
    request = AWSRequest(method=method, url=url, headers={"host": host})
    request.context["timestamp"] = params["X-Amz-Date"]
    auth = S3SigV4QueryAuth(
        Credentials(ACCESS_KEY, SECRET_KEY), "s3", region, expires=int(params["X-Amz-Expires"])
    )
    return auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)


class ExpiringPresignedUrls:
    """WSGI middleware: a query-signed request is refused once it has expired (SigV4:
    X-Amz-Date + X-Amz-Expires; SigV2: Expires), and a SigV4 one whose signature does not match
    its method, host, key and parameters (an edited URL) is refused as S3 would."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        expires_at = None
        if "X-Amz-Expires" in query and "X-Amz-Date" in query:  # SigV4
            signed_at = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
            signed_at = signed_at.replace(tzinfo=datetime.UTC)
            expires_at = signed_at + datetime.timedelta(seconds=int(query["X-Amz-Expires"][0]))
        elif "Expires" in query and "Signature" in query:  # SigV2: an absolute epoch time
            expires_at = datetime.datetime.fromtimestamp(int(query["Expires"][0]), datetime.UTC)
        if expires_at is not None and datetime.datetime.now(datetime.UTC) > expires_at:
            return self.refuse(start_response, "AccessDenied", "Request has expired")
        if "X-Amz-Signature" in query and "X-Amz-Date" in query:
            raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI", "")
            expected = expected_sigv4_query_signature(
                environ["REQUEST_METHOD"], environ.get("HTTP_HOST", ""), raw_uri
            )
            if expected is None:
                return self.refuse(start_response, "InvalidAccessKeyId", "Unknown access key")
            if not hmac.compare_digest(expected, query["X-Amz-Signature"][0]):
                return self.refuse(
                    start_response,
                    "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you "
                    "provided.",
                )
        return self.app(environ, start_response)

    @staticmethod
    def refuse(start_response, code: str, message: str):
        body = error_body(code, message)
        headers = [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
        start_response("403 Forbidden", headers)
        return [body]


class QuietRequestHandler(MotoRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown test output
        pass


class S3Server:
    """moto's S3 (every moto backend, dispatched by host) on 127.0.0.1 and a free port."""

    def __init__(self):
        app = ExpiringPresignedUrls(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> S3Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_storages(s3_server, settings):
    """STORAGES["default"] and ["private"] on fresh buckets of the fake S3; yields the boto3
    client, with `.media_bucket` and `.private_bucket` names set on it."""
    client = s3_server.client()
    media_bucket = f"media-{uuid.uuid4().hex[:12]}"
    private_bucket = f"private-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=media_bucket)
    client.create_bucket(Bucket=private_bucket)
    # As deployed (docs/media.md): anyone may read the media bucket, nobody the private one.
    client.put_bucket_policy(
        Bucket=media_bucket, Policy=json.dumps(public_read_policy(media_bucket))
    )
    settings.AWS_ACCESS_KEY_ID = ACCESS_KEY
    settings.AWS_SECRET_ACCESS_KEY = SECRET_KEY
    settings.AWS_S3_ENDPOINT_URL = s3_server.endpoint_url
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_S3_CUSTOM_DOMAIN = None
    settings.AWS_STORAGE_BUCKET_NAME = media_bucket
    settings.AWS_PRIVATE_STORAGE_BUCKET_NAME = private_bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tenants.storage.TenantS3Storage"},
        "private": {"BACKEND": "tenants.storage.TenantPrivateS3Storage"},
    }
    client.media_bucket = media_bucket
    client.private_bucket = private_bucket
    yield client
    for bucket in (media_bucket, private_bucket):
        empty_bucket(client, bucket)


def empty_bucket(client, bucket: str, *, attempts: int = 20) -> None:
    """Delete every object, then the bucket; a worker thread may still be writing its last
    file, so try again briefly rather than fail the test's teardown."""
    for _attempt in range(attempts):
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                client.delete_object(Bucket=bucket, Key=obj["Key"])
        try:
            client.delete_bucket(Bucket=bucket)
            return
        except client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] != "BucketNotEmpty":
                raise
            time.sleep(0.1)
    raise RuntimeError(f"bucket {bucket} kept filling up")
