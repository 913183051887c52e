"""The import path `datajoint_interop.plugin` of DataJoint 0.14, without loading plugins.

0.14 imports every package registered under the entry-point groups ``datajoint_plugins.connection``
and ``datajoint_plugins.datatype`` when it is imported, and runs an unverified one after a warning.
This package never runs code just because it is installed: the plugin tables are empty, and the
two helpers 0.14 code may call (``hash_pkg``, ``verify``) work as there.
"""
import base64
import hashlib
from pathlib import Path

from .core.log import logger  # noqa: F401  (0.14 has the package logger here too)

__all__ = ["hash_pkg", "verify", "connection_plugins", "type_plugins"]

#: name -> plugin, as in 0.14; always empty here (see the module's docstring)
connection_plugins = {}
type_plugins = {}


def _git_hash(text):
    """Git's blob hash of a text, the building block of 0.14's package hash."""
    return hashlib.sha1(f"blob {len(text)}\0{text}".encode()).hexdigest()


def hash_pkg(*, pkgpath):
    """The hash 0.14 signs for a plugin package: a git-tree-like hash of its files (no caches)."""
    root = Path(pkgpath).absolute()
    return _git_hash("".join(
        f"100644 {_git_hash(path.read_text())} 0\t{path.relative_to(root.parent)}\n"
        for path in sorted(root.rglob("*"))
        if path.is_file() and "pycache" not in str(path)))


def verify(*, pubkey_path, data, signature):
    """Check a base64 RSA-PSS/SHA-256 ``signature`` of ``data``; raises InvalidSignature if wrong."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    serialization.load_pem_public_key(Path(pubkey_path).read_bytes()).verify(
        base64.b64decode(signature.encode()), data.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
        hashes.SHA256())
