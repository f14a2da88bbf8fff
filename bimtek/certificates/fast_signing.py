"""Fast PAdES B-B signing of the fast renderer's certificates (pure: no Flask, no database).

pyHanko re-reads each PDF, rebuilds its object graph and writes an update (~100 ms a file). Every certificate of
one training comes out of the OverlayWriter with the same objects (same catalog, same first page, same numbers),
so the incremental update that adds the signature is the same for all of them except a few numbers. This module
prepares that update once per layer and, per file, only: appends it, fills in /ByteRange, hashes the two
covered ranges (SHA-256), signs the CMS signed attributes with the key (cryptography) and splices the CMS
(asn1crypto, prepared once per signature length) into the reserved /Contents. The result is an ordinary
incremental update with a cross-reference stream, readable and checkable by pyHanko, poppler and qpdf.

Signed attributes: content-type, message-digest and signing-certificate-v2 (ETSI.CAdES.detached, PAdES B-B);
the signing time is the signature dictionary's /M.
"""
import hashlib
import io
import os
import re
from datetime import datetime, timezone

import pikepdf
from asn1crypto import cms, x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

CONTENTS_HEX = 16384  # reserved hex digits for the CMS (8 KiB: certificate chain + signature)
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]*)>\s*<([0-9A-Fa-f]*)>\s*\]")
_RANGE_WIDTH = 10


def _text_string(text):
    """A PDF text string for a dictionary (/Name, /Reason, /Location): ASCII as a literal, anything else as
    UTF-16BE with its byte-order mark (PDFDocEncoding is not cp1252: 'Ma’ruf' would read 'Ma™ruf')."""
    if text.isascii():
        return _pdf_text(text)
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _pdf_text(text):
    """A PDF literal string in WinAnsi for the appearance stream (characters it lacks become '?')."""
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class FastSigner:
    """Signs PDFs of one layer (all made by the same OverlayWriter) with one key and certificate."""

    def __init__(self, sample_pdf, key, cert, chain=(), box=None, page=0, reason="Sertifikat pelatihan",
                 location=""):
        self.key, self.cert = key, cert
        der = cert.public_bytes(serialization.Encoding.DER)
        self.holder = asn1_x509.Certificate.load(der).subject.native.get("common_name", "")
        self.certs = [asn1_x509.Certificate.load(der)] + [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]
        self._digest_marker = os.urandom(32)
        self._attrs = self._signed_attributes(hashlib.sha256(der).digest())
        self._attrs_der = self._attrs.dump()  # the DER that is signed, with the digest marker
        self._templates = {}
        self._plan_update(sample_pdf, box, page, reason, location)

    # --- once per layer ------------------------------------------------------------------------------

    def _signed_attributes(self, cert_hash):
        attrs = cms.CMSAttributes([
            {"type": "content_type", "values": ["data"]},
            {"type": "message_digest", "values": [self._digest_marker]},
            {"type": "signing_certificate_v2", "values": [{"certs": [{"cert_hash": cert_hash}]}]},
        ])
        return attrs

    def _plan_update(self, sample_pdf, box, page_index, reason, location):
        with pikepdf.open(io.BytesIO(sample_pdf)) as pdf:
            size = int(pdf.trailer.Size)
            self._same_layer = re.compile(rb"/Root %d 0 R" % pdf.Root.objgen[0]), re.compile(rb"/Size %d\b" % size)
            self.root_ref = pdf.Root.objgen
            page = pdf.pages[page_index].obj
            self.page_num = page.objgen[0]
            self.sig_num, self.field_num, self.ap_num, self.xref_num = size, size + 1, size + 2, size + 3
            catalog = dict(pdf.Root.items())
            page_dict = dict(page.items())
            self.info_ref = pdf.trailer.Info.objgen[0] if "/Info" in pdf.trailer else None
            self.catalog = self._dict_with(catalog, {"/AcroForm": f"<</Fields[{self.field_num} 0 R]/SigFlags 3>>"})
            annots = page_dict.pop("/Annots", None)
            existing = " ".join(f"{a.objgen[0]} 0 R" for a in annots) + " " if annots else ""
            self.page = self._dict_with(page_dict, {"/Annots": f"[{existing}{self.field_num} 0 R]"})
        rect = " ".join(f"{v:.2f}" for v in box) if box else "0 0 0 0"
        self.field = (f"<</Type/Annot/Subtype/Widget/FT/Sig/T(TTE)/F 132/V {self.sig_num} 0 R/Rect[{rect}]"
                      f"/P {self.page_num} 0 R/AP<</N {self.ap_num} 0 R>>>>").encode()
        self.appearance = self._appearance(box)
        self.sig_info = b"/Reason" + _text_string(reason) + (
            b"/Location" + _text_string(location) if location else b"") + b"/Name" + _text_string(self.holder)

    @staticmethod
    def _dict_with(items, extra):
        body = "".join(f"{k} {v.unparse().decode('latin-1')}" for k, v in items.items() if k not in extra)
        body += "".join(f"{k} {v}" for k, v in extra.items())
        return f"<<{body}>>".encode("latin-1")

    def _appearance(self, box):
        width, height = (box[2] - box[0], box[3] - box[1]) if box else (0, 0)
        text = (b"BT /Helv 6 Tf 0.11 0.21 0.36 rg 2 " + f"{max(height - 8, 0):.2f}".encode() + b" Td "
                + _pdf_text("Ditandatangani secara elektronik oleh") + b" Tj 0 -8 Td " + _pdf_text(self.holder)
                + b" Tj ET") if box else b""
        return (f"<</Type/XObject/Subtype/Form/BBox[0 0 {width:.2f} {height:.2f}]/Resources<</Font<</Helv"
                f"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>>>>>/Length {len(text)}>>"
                ).encode() + b"\nstream\n" + text + b"\nendstream"

    def _template(self, signature_length):
        """ContentInfo DER with marker digest and marker signature of this length (built once per length)."""
        if signature_length not in self._templates:
            marker = os.urandom(signature_length)
            algorithm = "sha256_rsa" if isinstance(self.key, rsa.RSAPrivateKey) else "sha256_ecdsa"
            issuer_serial = cms.IssuerAndSerialNumber({"issuer": self.certs[0].issuer,
                                                       "serial_number": self.certs[0].serial_number})
            signer = cms.SignerInfo({
                "version": "v1", "sid": cms.SignerIdentifier({"issuer_and_serial_number": issuer_serial}),
                "digest_algorithm": {"algorithm": "sha256"}, "signed_attrs": self._attrs,
                "signature_algorithm": {"algorithm": algorithm}, "signature": marker})
            signed = cms.SignedData({
                "version": "v1", "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {"content_type": "data"}, "certificates": self.certs,
                "signer_infos": [signer]})
            der = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
            self._templates[signature_length] = (der, marker)
        return self._templates[signature_length]

    # --- per file ------------------------------------------------------------------------------------

    def _sign_digest(self, digest):
        to_sign = self._attrs_der.replace(self._digest_marker, digest)
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256()), to_sign
        return self.key.sign(to_sign, ec.ECDSA(hashes.SHA256())), to_sign

    def matches(self, pdf):
        """Whether ``pdf`` comes from the same layer (same objects) as the sample; if not, sign with pyHanko."""
        tail = pdf[-4096:]
        return all(pattern.search(tail) for pattern in self._same_layer)

    def sign(self, pdf, when=None):
        """The PDF with one PAdES B-B signature appended as an incremental update (``matches(pdf)`` first)."""
        tail = pdf[-4096:]
        prev, ids = int(_STARTXREF.search(tail).group(1)), _ID.search(tail)
        when = (when or datetime.now(timezone.utc)).strftime("D:%Y%m%d%H%M%S+00'00'").encode()
        out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
        offsets = {}

        def add(num, body):
            offsets[num] = len(out)
            out.extend(b"%d 0 obj\n" % num + body + b"\nendobj\n")

        placeholder = b" " * (3 * _RANGE_WIDTH + 2)
        sig_body = (b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M(" + when + b")"
                    + self.sig_info + b"/ByteRange[0 " + placeholder + b"]/Contents<" + b"0" * CONTENTS_HEX + b">>>")
        add(self.sig_num, sig_body)
        contents_start = offsets[self.sig_num] + len(b"%d 0 obj\n" % self.sig_num) + sig_body.index(b"/Contents<") + 9
        contents_end = contents_start + CONTENTS_HEX + 2
        add(self.field_num, self.field)
        add(self.ap_num, self.appearance)
        add(self.root_ref[0], self.catalog)
        add(self.page_num, self.page)
        self._add_xref(out, offsets, prev, ids)
        ranges = f"{contents_end:<{_RANGE_WIDTH}d} {len(out) - contents_end:<{_RANGE_WIDTH}d}"
        ranges = f"{contents_start:<{_RANGE_WIDTH}d} " + ranges
        at = out.index(b"/ByteRange[0 ", offsets[self.sig_num]) + len(b"/ByteRange[0 ")
        out[at:at + len(placeholder)] = ranges.encode().ljust(len(placeholder))
        view = memoryview(out)
        digest = self._digest(view, contents_start, contents_end)
        signature, _ = self._sign_digest(digest)
        der, marker = self._template(len(signature))
        blob = der.replace(self._digest_marker, digest).replace(marker, signature).hex().encode()
        if len(blob) > CONTENTS_HEX:
            raise ValueError("CMS signature larger than the reserved /Contents")
        out[contents_start + 1:contents_start + 1 + len(blob)] = blob
        return bytes(out)

    @staticmethod
    def _digest(view, start, end):
        h = hashlib.sha256(view[:start])
        h.update(view[end:])
        return h.digest()

    def _add_xref(self, out, offsets, prev, ids):
        offsets = dict(offsets)
        offsets[self.xref_num] = len(out)
        numbers = sorted(offsets)
        index, rows, run = [], [], None
        for num in numbers:
            if run is None or num != run[0] + run[1]:
                run = [num, 0]
                index.append(run)
            run[1] += 1
            rows.append(b"\x01" + offsets[num].to_bytes(4, "big") + b"\x00")
        data = b"".join(rows)
        id_part = b"/ID[<" + ids.group(1) + b"><" + ids.group(2) + b">]" if ids else b""
        info = f"/Info {self.info_ref} 0 R".encode() if self.info_ref else b""
        head = (f"<</Type/XRef/Size {self.xref_num + 1}/W[1 4 1]/Index[{' '.join(f'{a} {n}' for a, n in index)}]"
                f"/Root {self.root_ref[0]} 0 R/Prev {prev}/Length {len(data)}").encode() + info + id_part + b">>"
        out.extend(b"%d 0 obj\n" % self.xref_num + head + b"\nstream\n" + data + b"\nendstream\nendobj\n")
        out.extend(b"startxref\n%d\n%%%%EOF\n" % offsets[self.xref_num])
