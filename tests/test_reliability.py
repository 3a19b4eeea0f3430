"""Reliability under attack (issue 17): reads consistent with writes, every exit path ends,
bounded cost per file and per query, honest errors. Each test reproduces one finding of the
adversarial run; a hang is caught by a subprocess timeout, never by a timing assertion.
The longer, randomised version of these is bench/stress.py."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import SEED_IDS
from perucases.cli import cli
from perucases.index.location import bundled_seeds
from perucases.query import Library

HANG = 60  # seconds: a command still running after this long is a hang (they take about one)


def perucases() -> str:
    exe = Path(sys.executable).parent / "perucases"
    return str(exe) if exe.exists() else shutil.which("perucases")


def run_cli(*args: str, timeout: float = HANG, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The installed command as a new process; a hang fails the test (TimeoutExpired)."""
    return subprocess.run([perucases(), *args], capture_output=True, text=True, timeout=timeout,
                          env=env, **kw)


def one_line_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert lines and lines[-1].startswith("perucases: "), stderr
    return lines[-1]


@pytest.fixture()
def corpus(tmp_path) -> Path:
    dst = tmp_path / "c"
    shutil.copytree(bundled_seeds(), dst)
    return dst


# ---------------------------------------------------------------------------- the corpus walk


def test_fifos_sockets_and_devices_are_skipped_with_a_warning_and_never_opened(tmp_path, corpus):
    ix = tmp_path / "ix"
    os.mkfifo(corpus / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(corpus / "sock.md"))
    (corpus / "zero.txt").symlink_to("/dev/zero")  # a device, reached through a link
    try:
        r = run_cli("index", str(corpus), "--index", str(ix), "--follow-links")
        assert r.returncode == 0, r.stderr
        for name, kind in (("pipe.txt", "a FIFO"), ("sock.md", "a socket"), ("zero.txt", "a device")):
            assert f"{corpus / name}: skipped: not a regular file ({kind})" in r.stderr, r.stderr
        assert sorted(Library(ix, refresh=False).ids()) == SEED_IDS
        # One that appears after the index was built: a query's refresh must not open it either.
        os.mkfifo(corpus / "later.txt")
        (corpus / "new.txt").write_text("New\n\nMontesinos in a new file.\n", encoding="utf-8")
        r = run_cli("search", "Montesinos", "--index", str(ix), "--format", "ids")
        assert r.returncode == 0 and f"{corpus / 'later.txt'}: skipped: not a regular file (a FIFO)" in r.stderr
        assert "new" in r.stdout.split()
        assert r.stdout.split() == [h.id for h in Library(ix, refresh=False).search("Montesinos").hits]
        # a FIFO given by name
        r = run_cli("index", str(corpus / "pipe.txt"), "--index", str(tmp_path / "ix2"))
        assert r.returncode == 1 and "pipe.txt: skipped: not a regular file (a FIFO)" in r.stderr
    finally:
        sock.close()


def test_broken_and_looping_links_are_named_for_what_they_are(tmp_path, corpus):
    (corpus / "dangling.txt").symlink_to(corpus / "nothing-here.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    for follow in ([], ["--follow-links"]):
        r = run_cli("index", str(corpus), "--index", str(tmp_path / f"ix{len(follow)}"), *follow)
        assert r.returncode == 0, r.stderr
        assert f"{corpus / 'dangling.txt'}: skipped: a broken symbolic link" in r.stderr
        assert f"{corpus / 'loop.txt'}: skipped: a symbolic link that points to itself" in r.stderr
        assert "out of the corpus" not in r.stderr


def unprivileged(cmd: list[str]) -> list[str]:
    """CMD run without the power to read what its permissions forbid: as root, without the
    capabilities that override file permissions (util-linux setpriv); as anyone else, as it is."""
    if os.geteuid() != 0:
        return cmd
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", *cmd]


def test_a_folder_that_cannot_be_read_is_warned_about(tmp_path, corpus):
    secret = corpus / "restricted"
    secret.mkdir()
    (secret / "memo.txt").write_text("Memo\n\nThe Colina group, in a folder no one may read.\n", encoding="utf-8")
    secret.chmod(0)
    try:
        r = subprocess.run(unprivileged([perucases(), "index", str(corpus), "--index", str(tmp_path / "ix")]),
                           capture_output=True, text=True, timeout=HANG)
    finally:
        secret.chmod(0o755)
    assert r.returncode == 0, r.stderr
    assert f"perucases: warning: {secret}: skipped: cannot read the folder: Permission denied" in r.stderr
