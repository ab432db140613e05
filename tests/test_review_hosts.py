"""Issue 16, item 4: a review server reachable from other machines keeps its Host check.
A wildcard bind (0.0.0.0, ::) is refused unless the names it is reached by are given with
--allow-host; the allowed names never include "*", so a forged Host (DNS rebinding) cannot
fetch the page and its session token."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reviewlib import SAMPLES, record_of, write_record

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

from extract.review.app import ReviewConfig, create_app  # noqa: E402
from extract.review.server import allowed_hosts, main  # noqa: E402

SAMPLE = "r2024-error-grandtotal-01"


def test_a_wildcard_bind_without_allowed_names_is_refused(tmp_path, capsys, monkeypatch):
    import extract.review.server as server

    def no_listening(host, port):  # refused before binding: never serve from a test
        raise OSError(99, "not in a test")

    monkeypatch.setattr(server, "bind", no_listening)
    db = tmp_path / "results.sqlite"
    write_record(db, SAMPLES / f"{SAMPLE}.pdf", record_of(SAMPLES / f"{SAMPLE}.pdf"))
    for host in ("0.0.0.0", "::"):
        assert main([str(db), "--host", host, "--port", "0"]) == 2
        err = capsys.readouterr().err
        assert "--allow-host" in err and err.count("\n") == 1


def test_allowed_names_are_explicit():
    assert "*" not in allowed_hosts("0.0.0.0", ["review.example.org"])
    assert "review.example.org" in allowed_hosts("0.0.0.0", ["review.example.org"])
    assert "0.0.0.0" not in allowed_hosts("0.0.0.0", ["review.example.org"])
    assert "192.168.1.5" in allowed_hosts("192.168.1.5")


def test_a_forged_host_is_refused_and_an_allowed_one_served(tmp_path):
    source = tmp_path / f"{SAMPLE}.pdf"
    shutil.copy(SAMPLES / f"{SAMPLE}.pdf", source)
    db = tmp_path / "results.sqlite"
    write_record(db, source, record_of(SAMPLES / f"{SAMPLE}.pdf"))
    config = ReviewConfig(database=db, reviewer="host-tester", token="t" * 32,
                          allowed_hosts=allowed_hosts("0.0.0.0", ["review.example.org"]))
    app = create_app(config)
    forged = TestClient(app, base_url="http://attacker.example", raise_server_exceptions=False).get("/")
    assert forged.status_code == 400 and "t" * 32 not in forged.text
    served = TestClient(app, base_url="http://review.example.org", raise_server_exceptions=False).get("/")
    assert served.status_code == 200
