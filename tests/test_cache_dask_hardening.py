"""Issue 20, items 8, 10 and 13: cache files that cannot run code, a local Dask cluster with no
open door, and a scheduler address that fails fast and plainly.

The cache tests run the real ``flashpoint extract`` in a subprocess with ``FLASHPOINT_CACHE_DIR``
pointed at a temporary copy of caches it built itself, then tamper with them as an attacker or an
unlucky operator would."""

from __future__ import annotations

import os
import pickle
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from distributed import Security

from flashpoint.cache_files import MAGIC

VENV_BIN = Path(sys.executable).parent
FLASHPOINT = str(VENV_BIN / "flashpoint")
TEXT = "Gunmen killed two soldiers in Kirkuk on Monday, police said.\n"
CACHE_GLOBS = ("gazetteer-*", "event-classifier-*")


def _env(cache: Path) -> dict[str, str]:
    env = {**os.environ, "FLASHPOINT_CACHE_DIR": str(cache)}
    env.pop("FLASHPOINT_EMBEDDING_PRECISION", None)
    return env


def _extract(cache: Path, article: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FLASHPOINT, "extract", "--no-text", str(article)], capture_output=True, text=True,
                          env=_env(cache), timeout=600)


def _cache_files(cache: Path) -> list[Path]:
    return sorted(p for pattern in CACHE_GLOBS for p in cache.glob(pattern) if not p.name.startswith("."))


class _Planted:
    """A pickle that, when loaded, writes a marker file: what an attacker would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A cache directory built by a first ``extract`` (gazetteer, int8 encoder, classifier), the
    article it read and that run's output."""
    root = tmp_path_factory.mktemp("built")
    article = root / "kirkuk.txt"
    article.write_text(TEXT, encoding="utf-8")
    cache = root / "cache"
    done = _extract(cache, article)
    assert done.returncode == 0, done.stderr
    assert '"Kirkuk"' in done.stdout
    assert len(_cache_files(cache)) == 2, list(cache.iterdir())
    return cache, article, done.stdout


@pytest.fixture
def cache_copy(built: tuple[Path, Path, str], tmp_path: Path) -> Iterator[Path]:
    cache = tmp_path / "cache"
    shutil.copytree(built[0], cache)
    yield cache


# -- item 8: cache files ------------------------------------------------------------------------------


def test_a_planted_pickle_in_the_cache_is_never_run(built: tuple[Path, Path, str], cache_copy: Path,
                                                    tmp_path: Path) -> None:
    """One pickle planted at the gazetteer's cache path, one reached through a symlink at the
    classifier's: neither runs, both caches are rebuilt, and coding is unchanged."""
    _, article, clean_output = built
    marker = tmp_path / "pwned"
    gazetteer = next(cache_copy.glob("gazetteer-*"))
    classifier = next(cache_copy.glob("event-classifier-*"))
    gazetteer.write_bytes(pickle.dumps(_Planted(marker)))
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(pickle.dumps(_Planted(marker)))
    classifier.unlink()
    classifier.symlink_to(elsewhere)
    done = _extract(cache_copy, article)
    assert not marker.exists(), "a planted cache file ran code"
    assert done.returncode == 0, done.stderr
    assert done.stdout == clean_output  # rebuilt, and codes as before
    assert "Traceback" not in done.stderr
    assert elsewhere.read_bytes() == pickle.dumps(_Planted(marker))  # the link's target untouched
    for path in (gazetteer, classifier):  # replaced by real caches
        assert not path.is_symlink() and path.read_bytes()[: len(MAGIC)] == MAGIC, path


def test_a_cache_file_of_another_user_or_writable_by_others_is_rebuilt(built: tuple[Path, Path, str],
                                                                       cache_copy: Path) -> None:
    _, article, clean_output = built
    gazetteer = next(cache_copy.glob("gazetteer-*"))
    classifier = next(cache_copy.glob("event-classifier-*"))
    gazetteer.chmod(0o666)  # anyone may have changed it
    if os.geteuid() == 0:
        os.chown(classifier, 4242, -1)  # another user wrote it
    else:
        classifier.chmod(0o664)  # group-writable
    done = _extract(cache_copy, article)
    assert done.returncode == 0, done.stderr
    assert done.stdout == clean_output
    for path in (gazetteer, classifier):  # not read, but rebuilt and replaced: ours, writable by us alone
        st = path.lstat()
        assert st.st_uid == os.geteuid() and st.st_mode & 0o022 == 0, (path, oct(st.st_mode), st.st_uid)


def test_a_symlink_at_a_guessable_temporary_name_is_not_followed(
        built: tuple[Path, Path, str], cache_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The classifier used to write ``<cache>.<pid>.tmp``: a name another user could guess and
    link to a file of ours, which the next training would overwrite. Run in this process
    (``flashpoint.cli``) so the pid is known."""
    from flashpoint.cli import main
    from flashpoint.events import classifier as classifier_module

    _, article, clean_output = built
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(cache_copy))
    monkeypatch.delenv("FLASHPOINT_EMBEDDING_PRECISION", raising=False)
    path = classifier_module._cache_path(classifier_module.DATA_DIR / "event_bank.tsv", classifier_module.REAL_BANK)
    path.unlink()  # so this run trains and writes it
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    guessed = path.with_suffix(f".{os.getpid()}.tmp")
    guessed.symlink_to(victim)

    from flashpoint import pipeline

    # This process may hold a classifier from an earlier test, in the coder that wraps it too.
    classifier_module.get_classifier.cache_clear()
    pipeline._coder.cache_clear()
    try:
        result = CliRunner().invoke(main, ["extract", "--no-text", str(article)])
    finally:
        classifier_module.get_classifier.cache_clear()
        pipeline._coder.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.stdout == clean_output
    assert victim.read_text() == "precious\n"
    assert guessed.is_symlink()
    assert not path.is_symlink() and path.read_bytes()[: len(MAGIC)] == MAGIC
    assert not [p for p in cache_copy.iterdir() if p.name.endswith(".tmp") and p != guessed]


def test_a_damaged_cache_file_is_not_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A file cut short, or with a flipped byte in its data, is refused with a warning (and the
    caller rebuilds it) rather than loaded and failing later, in the middle of coding."""
    from array import array

    from flashpoint.cache_files import CacheContents, load_cache, write_cache

    path = tmp_path / "thing.cache"
    write_cache(path, "thing", "k1", {"n": 3}, {"column": memoryview(array("q", [1, 2, 3]))})

    def decode(cached: CacheContents) -> tuple[int, list[int]]:
        column = array("q")
        column.frombytes(cached.sections["column"])
        return cached.meta["n"], column.tolist()

    assert load_cache(path, "thing", "k1", decode) == (3, [1, 2, 3])
    assert load_cache(path, "thing", "k2", decode) is None  # another source's cache
    good = path.read_bytes()
    path.write_bytes(good[:-1])
    assert load_cache(path, "thing", "k1", decode) is None
    path.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    assert load_cache(path, "thing", "k1", decode) is None
    path.write_bytes(b"")
    assert load_cache(path, "thing", "k1", decode) is None
    assert caplog.text.count("rebuilding it") == 4


# -- items 10 and 13: Dask ------------------------------------------------------------------------------


def _openssl_identity(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key, as a user would make for a TLS Dask cluster."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=someone-else", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


def _security_of(cert: Path, key: Path) -> Security:
    return Security(require_encryption=True, tls_ca_file=str(cert), tls_client_cert=str(cert),
                    tls_client_key=str(key), tls_scheduler_cert=str(cert), tls_scheduler_key=str(key),
                    tls_worker_cert=str(cert), tls_worker_key=str(key))


def _http_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_local_dask_cluster_serves_no_http_and_refuses_other_clients(tmp_path: Path) -> None:
    """``--dask-local``: no dashboard and no HTTP endpoint on 8787 (or anywhere) to give the
    scheduler away; scheduler and workers on 127.0.0.1; and a client without this run's
    certificate, plain TCP or TLS with another certificate, cannot talk to the scheduler."""
    from flashpoint.dask_runner import DaskCoder

    coder = DaskCoder(n_workers=1)
    try:
        client = coder._connect()
        address = client.scheduler.address
        assert address.startswith("tls://127.0.0.1:"), address
        info = client.scheduler_info()
        assert all(worker.startswith("tls://127.0.0.1:") for worker in info["workers"])
        scheduler = coder._cluster.scheduler
        http_ports = [scheduler.http_server.port]
        http_ports += [w["services"]["dashboard"] for w in info["workers"].values() if "dashboard" in w["services"]]
        assert 8787 not in http_ports
        for port in http_ports:
            for path in ("/info/main/workers.html", "/json/identity.json", "/health", "/metrics", "/status"):
                assert _http_status(port, path) == 404, (port, path)
        from flashpoint.dask_runner import _probe

        with pytest.raises(OSError):
            _probe(address.replace("tls://", "tcp://"), Security(), 5)
        with pytest.raises(OSError):
            _probe(address, _security_of(*_openssl_identity(tmp_path)), 5)
        _probe(address, coder._cluster.security, 5)  # while the run's own identity is let in
    finally:
        coder.close()


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A TCP server that accepts and never says a word (another service on the port)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _run_cli(args: list[str], limit_s: float) -> tuple[int, str]:
    """``flashpoint run ...`` in this process, given ``limit_s`` seconds to finish (a hang fails the
    test instead of hanging it)."""
    from flashpoint.cli import main

    outcome: list[tuple[int, str]] = []
    thread = threading.Thread(target=lambda: outcome.append(_invoke(main, args)), daemon=True)
    thread.start()
    thread.join(limit_s)
    assert outcome, f"flashpoint {' '.join(args)} still running after {limit_s} s"
    return outcome[0]


def _invoke(main: object, args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_a_scheduler_address_that_never_answers_fails_within_the_timeout(
        silent_listener: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flashpoint.dask_runner._CONNECT_TIMEOUT_S", 2)
    article = tmp_path / "kirkuk.txt"
    article.write_text(TEXT, encoding="utf-8")
    started = time.monotonic()
    code, output = _run_cli(["run", "-q", "--db", f"sqlite:///{tmp_path / 'a.db'}",
                             "--scheduler", f"tcp://127.0.0.1:{silent_listener}", str(article)], 60)
    assert time.monotonic() - started < 30
    assert code == 1
    lines = output.strip().splitlines()
    assert lines[-1].startswith(f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{silent_listener}")
    assert "no Dask handshake within 2 s" in lines[-1]
    assert "Traceback" not in output


def test_a_tls_scheduler_without_tls_settings_is_one_clear_line(
        silent_listener: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    article = tmp_path / "kirkuk.txt"
    article.write_text(TEXT, encoding="utf-8")
    no_tls = {"distributed.comm.tls.ca-file": None, "distributed.comm.tls.client.cert": None,
              "distributed.comm.tls.client.key": None}
    with dask.config.set(no_tls):
        code, output = _run_cli(["run", "-q", "--db", f"sqlite:///{tmp_path / 'a.db'}",
                                 "--scheduler", f"tls://127.0.0.1:{silent_listener}", str(article)], 60)
    assert code == 1
    assert output.strip(), "no message: an exception escaped"
    assert output.strip().splitlines()[-1] == (
        f"Error: --scheduler tls://127.0.0.1:{silent_listener} uses TLS, which needs Dask's TLS settings: "
        "distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and distributed.comm.tls.client.key "
        "(e.g. DASK_DISTRIBUTED__COMM__TLS__CA_FILE, ..._CLIENT__CERT, ..._CLIENT__KEY)")
    assert "TypeError" not in output and "Traceback" not in output


_TLS_CLUSTER = """
import sys
from distributed import LocalCluster, Security

if __name__ == "__main__":
    cert, key = sys.argv[1], sys.argv[2]
    security = Security(require_encryption=True, tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key,
                        tls_scheduler_cert=cert, tls_scheduler_key=key, tls_worker_cert=cert, tls_worker_key=key)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, security=security) as cluster:
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()
"""


def test_a_tls_scheduler_works_with_dasks_tls_settings(tmp_path: Path) -> None:
    """A team's TLS cluster: ``flashpoint run --scheduler tls://...`` codes on it when Dask's TLS
    settings (here its environment variables) name the client's certificate."""
    cert, key = _openssl_identity(tmp_path)
    script = tmp_path / "tls_cluster.py"
    script.write_text(_TLS_CLUSTER, encoding="utf-8")
    cluster = subprocess.Popen([sys.executable, str(script), str(cert), str(key)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        address = cluster.stdout.readline().strip()
        assert address.startswith("tls://127.0.0.1:"), address
        article = tmp_path / "kirkuk.txt"
        article.write_text(TEXT, encoding="utf-8")
        env = {**os.environ, "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(cert),
               "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(cert),
               "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(key)}
        done = subprocess.run([FLASHPOINT, "run", "-q", "--db", f"sqlite:///{tmp_path / 'a.db'}",
                               "--scheduler", address, str(article)], capture_output=True, text=True, env=env,
                              timeout=600)
        assert done.returncode == 0, done.stderr
        assert "1 article(s) read: 1 new" in done.stderr and "0 failed" in done.stderr, done.stderr
    finally:
        cluster.stdin.close()
        try:
            cluster.wait(timeout=60)
        except subprocess.TimeoutExpired:
            cluster.kill()
