"""Handing a signing secret (PKCS#12 password, BSrE passphrase) from the request to the job that signs, without
ever keeping it at rest (pure: no Flask, no database).

* Embedded runner (no REDIS_URL): the job runs in a thread of the process that took the request, so the
  secret stays in this process's memory (a dict entry keyed by job id) and is popped at the job's start.
* RQ workers (REDIS_URL): another process runs the job. The secret goes to Redis encrypted (Fernet) with a
  key derived from SECRET_KEY and the job id (HKDF), a key Redis never sees; the entry expires after
  HANDOFF_SECONDS and the worker reads it once with GETDEL. The database row, the job parameters, the RQ
  job and the logs never hold it. A job taken over after a crash finds no secret and fails with a message
  asking the signer to start again and type it once more.
"""
import base64
import threading
import time

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from redis import Redis

HANDOFF_SECONDS = 300
_LOCAL: dict = {}
_LOCK = threading.Lock()


def redis_key(job_id):
    return f"bimtek:tte-handoff:{int(job_id)}"


def _fernet(secret_key, job_id):
    material = (secret_key or "").encode()
    if not material:
        raise RuntimeError("SECRET_KEY is required to hand a signing secret to a worker")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"bimtek-tte-handoff",
               info=f"job:{int(job_id)}".encode()).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def put(job_id, secret, redis_url=None, secret_key=None, ttl=HANDOFF_SECONDS):
    """Leave ``secret`` for job ``job_id``: in this process, or encrypted in Redis for ``ttl`` seconds."""
    if not redis_url:
        with _LOCK:
            _LOCAL[int(job_id)] = (time.monotonic() + ttl, secret)
        return

    token = _fernet(secret_key, job_id).encrypt(secret.encode("utf-8"))
    Redis.from_url(redis_url).set(redis_key(job_id), token, ex=int(ttl))


def take(job_id, redis_url=None, secret_key=None, ttl=HANDOFF_SECONDS):
    """The secret left for this job (once: it is removed), or None when none is left or it expired."""
    with _LOCK:
        local = _LOCAL.pop(int(job_id), None)
    if local is not None:
        expires, secret = local
        return secret if time.monotonic() < expires else None
    if not redis_url:
        return None

    token = Redis.from_url(redis_url).getdel(redis_key(job_id))
    if token is None:
        return None
    try:
        return _fernet(secret_key, job_id).decrypt(token, ttl=int(ttl)).decode("utf-8")
    except InvalidToken:
        return None


def discard(job_id, redis_url=None):
    """Forget a secret that will not be used (the job could not be started)."""
    with _LOCK:
        _LOCAL.pop(int(job_id), None)
    if redis_url:
        Redis.from_url(redis_url).delete(redis_key(job_id))
