"""Provenance in each MP4: a C2PA manifest naming the generators of the cut (image models, voices, text models),
signed offline, so platforms and reviewers can tell generated media from footage.

Signed with c2pa-python (MIT OR Apache-2.0) and an ES256 key made on this machine on first use (a local CA and a
signing certificate, `<user data>/provenance/`; created with `cryptography`). Readers report the signer as
untrusted (it is on no trust list) but the manifest and the file hashes validate. Where c2pa cannot be imported,
the same record is written as XMP in a top-level `uuid` box (the XMP UUID BE7ACFCB-97A9-42E8-9C71-999491E3AFAC),
which exiftool and this module read back. Either way the file is replaced atomically (temp file, then rename).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from studio import paths
from studio.model import Project, Variant
from studio.model.safe_paths import honour_umask, temp_prefix

#: Assertion label of the studio's own record inside the C2PA manifest.
ASSERTION = "org.qianmian.provenance"
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ALGORITHMIC = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
#: Generators whose output comes from a trained model (the rest, espeak and procedural frames, are rule-based).
TRAINED_PREFIXES = ("diffusers", "piper", "kokoro", "llm", "gguf", "openai")


def source_type(generators: list[dict[str, str]]) -> str:
    """IPTC digital source type: trained algorithmic media when any generator is a trained model."""
    trained = any(
        g.get("kind") in ("video", "presenter") or g.get("id", "").split(":")[0].lower() in TRAINED_PREFIXES
        for g in generators
    )
    return TRAINED if trained else ALGORITHMIC


def _credentials_dir() -> Path:
    folder = paths.user_data_dir() / "provenance"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def signing_credentials() -> tuple[bytes, bytes]:
    """(certificate chain PEM, private key PEM): made once per user with a local CA, kept 0600."""
    folder = _credentials_dir()
    chain_file, key_file = folder / "chain.pem", folder / "signer.key"
    if chain_file.is_file() and key_file.is_file():
        return chain_file.read_bytes(), key_file.read_bytes()
    chain, key = _make_credentials()
    for path, data in ((key_file, key), (chain_file, chain)):
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), dir=folder)  # 0600: the key stays private
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return chain, key


def _make_credentials() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    org = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qianmian Studio")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Qianmian Studio local CA"), org])

    def usage(sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=sign,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=not sign,
            crl_sign=not sign,
            encipher_only=False,
            decipher_only=False,
        )

    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Qianmian Studio signer"), org]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = leaf.public_bytes(pem) + ca.public_bytes(pem)
    private = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return chain, private


def c2pa_available() -> bool:
    try:
        import c2pa  # noqa: F401
    except (ImportError, OSError, RuntimeError):  # not installed, or its native library missing from a bundle
        return False
    return True


def _manifest(record: dict[str, Any]) -> dict[str, Any]:
    generators = list(record.get("generators", []))
    return {
        "claim_generator_info": [{"name": "Qianmian Studio", "version": str(record.get("studio_version", ""))}],
        "title": str(record.get("title", "video.mp4")),
        "format": "video/mp4",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": source_type(generators),
                            "softwareAgent": {"name": "Qianmian Studio"},
                            "parameters": {"generators": generators},
                        }
                    ]
                },
            },
            {"label": ASSERTION, "data": record},
        ],
    }


def _replace_atomically(video: Path, write: Any) -> None:
    """`write(src_path, dst_file)` into a temp file beside `video`, then rename over it."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(video.stem), suffix=".partial.mp4", dir=video.parent)
    try:
        with os.fdopen(fd, "w+b") as dst:
            write(video, dst)
            dst.flush()
            os.fsync(dst.fileno())
        honour_umask(tmp)
        os.replace(tmp, video)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_provenance(video: Path, record: dict[str, Any]) -> str:
    """Embed `record` (generators, variant, market, status...) in `video`; returns "c2pa" or "xmp"."""
    if not c2pa_available():
        _replace_atomically(video, lambda src, dst: _write_xmp(src, dst, record))
        return "xmp"
    import c2pa

    chain, key = signing_credentials()

    def sign(src: Path, dst: Any) -> None:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
        try:
            with c2pa.Builder(_manifest(record)) as builder, open(src, "rb") as source:
                builder.sign(signer, "video/mp4", source, dst)
        finally:
            signer.close()

    try:
        _replace_atomically(video, sign)
    except c2pa.C2paError as e:  # a damaged key or an unexpected file: the record still travels, as XMP
        noted = {**record, "c2pa_error": str(e)}
        _replace_atomically(video, lambda src, dst: _write_xmp(src, dst, noted))
        return "xmp"
    return "c2pa"


def cut_record(
    project: Project, variant: Variant, *, voices: list[str], aspect: str, meta: dict[str, Any], ai_label: str
) -> dict[str, Any]:
    """What the MP4 says about itself: who made which part (every take's image backend, the voices that spoke,
    a text model if lines came from one), the variant, final or draft, the AI label and any compliance override."""
    from importlib.metadata import PackageNotFoundError, version

    generators: list[dict[str, str]] = []

    def add(kind: str, gid: str) -> None:
        if gid and {"kind": kind, "id": gid} not in generators:
            generators.append({"kind": kind, "id": gid})

    for shot in variant.shots:
        take = project.selected_take(shot.shot_id, variant.id)
        if take is not None:
            add("image", take.backend)
    for voice in voices:
        add("voice", voice)
    if any(st.origin == "llm" for s in variant.shots for st in s.line_status.values()):
        add("text", "llm")
    try:
        studio_version = version("qianmian-studio")
    except PackageNotFoundError:
        studio_version = ""
    return {
        "title": f"{meta.get('variant_id', variant.id)} {aspect}",
        "studio_version": studio_version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "brand": project.brief.brand,
        "product": project.brief.product,
        "variant": variant.id,
        "market": variant.market,
        "language": variant.language,
        "aspect": aspect,
        "sub_variant": meta.get("sub_variant", ""),
        "status": meta.get("status", "final"),
        "reasons": list(meta.get("reasons", [])),
        "generators": generators,
        "ai_label": ai_label,
        "compliance_overrides": [
            o.model_dump() for o in project.compliance_overrides if o.variant_id in (variant.id, meta.get("variant_id"))
        ],
    }


def read_provenance(video: Path) -> dict[str, Any] | None:
    """The studio's record from `video` with how it was stored ("method") and, for C2PA, the validation state and
    the digital source type; None when the file carries none."""
    if c2pa_available():
        import c2pa

        try:
            with c2pa.Reader(str(video)) as reader:
                manifest = reader.get_active_manifest() or {}
                state = reader.get_validation_state()
        except c2pa.C2paError:
            manifest, state = {}, None
        assertions = {a.get("label"): a.get("data") for a in manifest.get("assertions", [])}
        if ASSERTION in assertions:
            actions = (assertions.get("c2pa.actions.v2") or assertions.get("c2pa.actions") or {}).get("actions", [])
            return {
                **assertions[ASSERTION],
                "method": "c2pa",
                "validation_state": state,
                "digital_source_type": next((a.get("digitalSourceType") for a in actions), None),
                "signer": (manifest.get("signature_info") or {}).get("common_name"),
            }
    xmp = _read_xmp(video)
    return {**xmp, "method": "xmp"} if xmp is not None else None


# ---------------------------------------------------------------------------------------------------- XMP fallback


def _xmp_packet(record: dict[str, Any]) -> bytes:
    payload = escape(json.dumps(record, ensure_ascii=False))
    dst = escape(source_type(list(record.get("generators", []))))
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        ' xmlns:qm="https://qianmian.studio/ns/provenance/1.0/">'
        f"<Iptc4xmpExt:DigitalSourceType>{dst}</Iptc4xmpExt:DigitalSourceType>"
        f"<qm:record>{payload}</qm:record>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _write_xmp(src: Path, dst: Any, record: dict[str, Any]) -> None:
    """The file as it is plus one top-level uuid box at the end (no offsets inside move)."""
    with open(src, "rb") as f:
        while chunk := f.read(1 << 20):
            dst.write(chunk)
    body = XMP_UUID + _xmp_packet(record)
    dst.write(struct.pack(">I4s", 8 + len(body), b"uuid") + body)


def _top_level_boxes(video: Path) -> list[tuple[bytes, int, int]]:
    """(type, payload offset, payload size) of each top-level ISO-BMFF box."""
    boxes = []
    size_total = video.stat().st_size
    with open(video, "rb") as f:
        pos = 0
        while pos + 8 <= size_total:
            f.seek(pos)
            size, kind = struct.unpack(">I4s", f.read(8))
            header = 8
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
                header = 16
            elif size == 0:
                size = size_total - pos
            if size < header:
                break
            boxes.append((kind, pos + header, size - header))
            pos += size
    return boxes


def _read_xmp(video: Path) -> dict[str, Any] | None:
    import re
    from xml.sax.saxutils import unescape

    for kind, offset, size in _top_level_boxes(video):
        if kind != b"uuid" or size < 16:
            continue
        with open(video, "rb") as f:
            f.seek(offset)
            if f.read(16) != XMP_UUID:
                continue
            packet = f.read(size - 16).decode("utf-8", errors="replace")
        m = re.search(r"<qm:record>(.*?)</qm:record>", packet, re.S)
        if m:
            return dict(json.loads(unescape(m.group(1))))
    return None
