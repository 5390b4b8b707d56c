"""A throwaway TLS identity for the local Dask cluster of one run.

Why: the scheduler of ``--dask-local`` executes any pickled task a client sends it, and 127.0.0.1
is shared by every user of the machine. With mutual TLS under a certificate that exists only in
this process (and its worker processes, which receive it over their pipes), a client without it is
refused at the handshake. Dask makes one with ``Security.temporary()`` when the ``cryptography``
package is installed; Flashpoint does not depend on it, so otherwise the ``openssl`` command makes
the same kind of self-signed certificate, in a private temporary directory removed at once. With
neither, there is no TLS, and the caller says so.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from distributed import Security

log = logging.getLogger(__name__)

_NAME = "dask-internal"  # the name Dask's own temporary certificates carry
_OPENSSL_TIMEOUT_S = 30
_OPENSSL_ARGS = ("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-days", "7", "-subj", f"/CN={_NAME}", "-addext", f"subjectAltName=DNS:{_NAME}",
                 "-addext", "basicConstraints=critical,CA:TRUE")


def local_security() -> Security | None:
    """Mutual-TLS settings for every role of a local cluster, or None when no certificate can be made."""
    try:
        return Security.temporary()
    except ImportError:  # no `cryptography`
        pass
    made = _openssl_certificate()
    if made is None:
        return None
    cert, key = made
    return Security(require_encryption=True, tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key,
                    tls_scheduler_cert=cert, tls_scheduler_key=key, tls_worker_cert=cert, tls_worker_key=key)


def _openssl_certificate() -> tuple[str, str] | None:
    """A self-signed certificate and its key as PEM text, made by ``openssl``; None when that fails."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    with tempfile.TemporaryDirectory(prefix="flashpoint-tls-") as tmp:  # mode 0700: the key stays ours
        cert, key = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
        try:
            subprocess.run([openssl, *_OPENSSL_ARGS, "-keyout", str(key), "-out", str(cert)], check=True,
                           capture_output=True, timeout=_OPENSSL_TIMEOUT_S, stdin=subprocess.DEVNULL)
            return cert.read_text(encoding="ascii"), key.read_text(encoding="ascii")
        except (OSError, subprocess.SubprocessError, UnicodeDecodeError) as exc:
            log.debug("openssl could not make a certificate for the local Dask cluster: %s", exc)
            return None
