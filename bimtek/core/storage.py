"""Content-addressed file storage under DATA_DIR/files (uploads, PDFs, signatures).

Files are stored by SHA-256, so storing the same bytes twice is a no-op and a stored
file is never modified in place. Paths never come from user input.
"""
import functools
import hashlib
import os
import tempfile
from pathlib import Path


class Storage:
    """A directory of immutable blobs addressed by their SHA-256 hex digest."""

    def __init__(self, root):
        self.root = Path(root)

    def path_for(self, digest):
        """Where a blob with this digest lives (the digest is validated as hex)."""
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError("invalid digest")
        return self.root / digest[:2] / digest

    def put(self, data: bytes, sync=True):
        """Store bytes atomically; return the SHA-256 hex digest.

        sync=False leaves the fsync to one later `sync()` for many files (bulk jobs: files before rows)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            # Fresh again: the garbage collector leaves recently written files alone, and this one is
            # about to be referenced by a row that is not committed yet.
            os.utime(target)
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
        return digest

    def sync(self):
        """Make every file written so far durable with one syncfs(2) of the store's file system (os.sync where
        syncfs is missing): one flush for a whole batch of put(sync=False) instead of one fsync per file."""
        self.root.mkdir(parents=True, exist_ok=True)
        syncfs = getattr(_libc(), "syncfs", None)
        if syncfs is None:
            os.sync()
            return
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                os.sync()
        finally:
            os.close(fd)

    def get(self, digest):
        """The bytes of a stored blob (FileNotFoundError if missing)."""
        return self.path_for(digest).read_bytes()

    def exists(self, digest):
        return self.path_for(digest).exists()

    def modified_at(self, digest):
        """The blob's modification time (seconds since the epoch); 0 when it does not exist."""
        try:
            return self.path_for(digest).stat().st_mtime
        except FileNotFoundError:
            return 0

    def remove(self, digest):
        """Delete a blob (no error when it is already gone)."""
        self.path_for(digest).unlink(missing_ok=True)

    def entries(self):
        """Yield (name, path, mtime, size) of every file under the root: blobs and leftover temporaries."""
        if not self.root.is_dir():
            return
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                if path.is_file():
                    stat = path.stat()
                    yield path.name, path, stat.st_mtime, stat.st_size


@functools.cache
def _libc():
    import ctypes  # only where syncfs is used (Linux), at most once per process

    try:
        return ctypes.CDLL(None, use_errno=True)  # the C library this process already has loaded
    except OSError:
        return None


def sha256_hex(data: bytes):
    """SHA-256 of bytes as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def app_storage():
    """The storage of the current Flask app (glue; DATA_DIR from config)."""
    from flask import current_app  # glue only: Storage itself stays usable without Flask (backups, benches)

    return Storage(Path(current_app.config["DATA_DIR"]) / "files")
