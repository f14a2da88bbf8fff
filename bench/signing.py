"""Benchmark: sign the 8,000 benchmark certificates (fast renderer, TTE footer) with a local test key.

Side by side in one run: rendering unsigned, rendering + fast PAdES B-B signing (bimtek.certificates.fast_signing:
the update is prepared once per layer, per file only the byte range, SHA-256 and the key's signature), and
pyHanko's own incremental signing (the reference) on a sample. A sample of the fast signatures is validated with
pyHanko and with poppler's pdfsig. Usage:

    .venv/bin/python bench/signing.py [--n 8000] [--pyhanko-sample 100] [--processes 2] [--key rsa|ecdsa]
"""
import argparse
import datetime as dt
import importlib.util
import os
import pathlib
import random
import resource
import subprocess  # nosec B404 - pdfsig, fixed argv
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from bimtek.certificates import pades, signature_check  # noqa: E402
from bimtek.certificates.design import load_design  # noqa: E402
from bimtek.certificates.fast_signing import FastSigner  # noqa: E402
from bimtek.certificates.rendering import render_batch  # noqa: E402
from bimtek.certificates.verification import sha256_hex  # noqa: E402

MM = 72 / 25.4


def _bench_certificates():
    """bench/certificates.py as a module (its synthetic training and participants)."""
    spec = importlib.util.spec_from_file_location("bench_certificates", ROOT / "bench" / "certificates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _test_pki(kind):
    """(key, certificate, CA certificate, PKCS#12 bytes, password) made now, as the tests do."""
    sys.path.insert(0, str(ROOT))
    from tests import tte_keys

    ca = tte_keys.make_ca()
    if kind == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
        cert = tte_keys.issue(key.public_key(), "Uji ECDSA")
    else:
        key, cert = tte_keys.make_signer()
    from cryptography.hazmat.primitives.serialization import pkcs12
    p12 = pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca.cert], serialization.BestAvailableEncryption(
        b"bench"))
    return key, cert, ca, p12


def _cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(people, shared, out_dir, processes, sign=None):
    """Render (and sign) every certificate, hash and write it; (wall s, CPU s, signing CPU s, fallbacks)."""
    wall, cpu, sign_cpu, fallbacks = time.perf_counter(), _cpu(), 0.0, 0
    signer = None
    for key, pdf in render_batch(bc.DESIGN, shared, people, processes=processes, tte=True):
        if sign is not None:
            started = time.process_time()
            if signer is None:
                signer = sign(pdf)
            if signer.matches(pdf):
                pdf = signer.sign(pdf)
            else:
                fallbacks += 1
                pdf = pades.sign(pdf, REFERENCE_KEY)[0]
            sign_cpu += time.process_time() - started
        (out_dir / f"{key}.pdf").write_bytes(pdf)
        sha256_hex(pdf)
    return time.perf_counter() - wall, _cpu() - cpu, sign_cpu, fallbacks


def validate(paths, ca_pem, cert_sha):
    """Each sampled file: pyHanko says valid (trusted, whole file, this signer) and pdfsig agrees."""
    anchors = signature_check.parse_anchors(ca_pem)
    ok = 0
    for path in paths:
        report = signature_check.check(path.read_bytes(), anchors, cert_sha)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout  # nosec B603 B607
        ok += report.ok and "Signature is Valid." in out and "Total document signed" in out
    return ok


def main(argv=None):
    global bc, REFERENCE_KEY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8000)
    parser.add_argument("--pyhanko-sample", type=int, default=100)
    parser.add_argument("--validate-sample", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--key", choices=("rsa", "ecdsa"), default="rsa")
    args = parser.parse_args(argv)
    bc = _bench_certificates()
    out = pathlib.Path(tempfile.mkdtemp(prefix="bench-signing-"))
    (out / "unsigned").mkdir()
    (out / "signed").mkdir()
    rng = random.Random(2020)
    eligible = [p for p in bc.participants(args.n * 5 // 4, rng) if p["attendance"] >= 0.8][:args.n]
    people = bc.number_people(eligible, dt.date(2020, 7, 23), "https://sertifikat.dkpus.babelprov.go.id")
    shared = bc.shared_context()
    key, cert, ca, p12 = _test_pki(args.key)
    REFERENCE_KEY = pades.load_key(p12, "bench")
    design = load_design(bc.DESIGN)
    box = tuple(v * MM for v in design.signature_box_mm)

    def fast(sample):
        return FastSigner(sample, key, cert, [ca.cert], box=box, page=design.signature_page,
                          location=design.place)

    unsigned = run(people, shared, out / "unsigned", args.processes)
    signed = run(people, shared, out / "signed", args.processes, sign=fast)
    sample = sorted((out / "signed").glob("*.pdf"))
    picked = random.Random(1).sample(sample, min(args.validate_sample, len(sample)))
    valid = validate(picked, ca.pem, REFERENCE_KEY.cert_sha256)
    reference = sorted((out / "unsigned").glob("*.pdf"))[:args.pyhanko_sample]
    started = time.process_time()
    options = pades.SignOptions(page=design.signature_page, box=box, location=design.place)
    for path in reference:
        pades.sign(path.read_bytes(), REFERENCE_KEY, options)
    pyhanko_ms = 1000 * (time.process_time() - started) / max(len(reference), 1)
    report(args, len(people), out, unsigned, signed, pyhanko_ms, len(reference), valid, len(picked))
    return 0 if valid == len(picked) else 1


def report(args, n, out, unsigned, signed, pyhanko_ms, references, valid, picked):
    """Print the runs side by side."""
    print(f"certificates: {n} (TTE footer), key: {args.key}, {args.processes} render processes, out {out}")
    print(f"{'':24}{'wall s':>10}{'ms/cert':>10}{'CPU ms/cert':>14}")
    for label, (wall, cpu, *_rest) in (("unsigned", unsigned), ("signed (fast B-B)", signed)):
        print(f"{label:24}{wall:10.2f}{1000 * wall / n:10.2f}{1000 * cpu / n:14.2f}")
    print(f"signing alone (fast):   CPU {1000 * signed[2] / n:.3f} ms/cert (goal <= 1 ms); "
          f"added CPU vs unsigned run {1000 * (signed[1] - unsigned[1]) / n:.3f} ms/cert; "
          f"pyHanko fallbacks {signed[3]}")
    print(f"pyHanko incremental signing (reference, {references} files): CPU {pyhanko_ms:.1f} ms/cert "
          f"= {pyhanko_ms / max(1000 * signed[2] / n, 1e-9):.0f}x the fast path")
    print(f"validated sample: {valid}/{picked} valid for pyHanko (trusted, whole file, this signer) and pdfsig")
    print(f"load average now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


bc = REFERENCE_KEY = None

if __name__ == "__main__":
    sys.exit(main())
