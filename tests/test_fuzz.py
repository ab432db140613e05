"""Damaged PDFs end in a record or a one-line error with a documented exit code (never 10,
never a traceback), each within a few seconds. A fixed-seed subset of
tests/fuzz_inputs.py; run the script for the larger set."""

import pytest
from fuzz_inputs import cases, damaged_copy, run_cli

DOCUMENTED = {0, 4, 5, 6, 7}  # ok, unreadable PDF, password, no report tables, limits


@pytest.mark.parametrize("source,kind,case_seed", cases(48, seed=20261201))
def test_a_damaged_copy_ends_cleanly(tmp_path, source, kind, case_seed):
    path = damaged_copy(tmp_path, source, kind, case_seed)
    code, err = run_cli(path, ocr=False)
    assert code in DOCUMENTED, err
    assert "Traceback" not in err
    if code:
        assert err.count("\n") == 1 and err.startswith("extract: "), err


def test_a_page_pdfium_cannot_load_is_skipped_and_reported(tmp_path):
    """A corrupted object number leaves one page unloadable: the other pages are still
    read, and the record says which page was lost."""
    import json
    import random

    from conftest import SAMPLES
    from fuzz_inputs import mutate

    data = (SAMPLES / "r2022-error-leaf-01.pdf").read_bytes()
    for seed in range(200):
        path = tmp_path / f"m{seed}.pdf"
        path.write_bytes(mutate(data, "object_number", random.Random(seed)))
        code, _ = run_cli(path, ocr=False)
        if code != 0:
            continue
        from extract.pipeline import extract_file

        report = extract_file(path, ocr=False)
        lost = [f for f in report.findings if f.rule == "page.unreadable"]
        if lost:
            assert all(f.severity == "error" for f in lost)
            assert report.cells  # the readable pages were read
            json.dumps(report.model_dump(mode="json"))
            return
    pytest.fail("no mutation left a page unloadable")
