"""The PDF edition (`make pdf`, scripts/make_pdf.py) on a small part of the CI book.

TeX Live is a few hundred megabytes, so `make test` does not install it: without
``xelatex``/``latexmk`` the test skips, saying why, and with ``CI`` set it fails instead
(a CI job that wants the PDF checked installs ``make tex`` first). To stay cheap it
typesets the introduction, the methods page and the baseline chapter (math, a regression
table and the banner) rather than the whole book.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _make_pdf_module():
    spec = importlib.util.spec_from_file_location("make_pdf", ROOT / "scripts" / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pdf_of_three_pages(ci_book, tmp_path):
    make_pdf = _make_pdf_module()
    if make_pdf.missing_tex():
        message = f"TeX is missing ({', '.join(make_pdf.missing_tex())}; `make tex` installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"the PDF test cannot run in CI: {message}")
        pytest.skip(message)
    build = tmp_path / "_build"
    shutil.copytree(ci_book / "executed", build / "executed")
    toc = yaml.safe_load((build / "executed" / "_toc.yml").read_text())
    keep = {"notebooks/04_baseline", "book/methods"}
    for part in toc["parts"]:
        part["chapters"] = [c for c in part["chapters"] if c["file"] in keep]
    toc["parts"] = [p for p in toc["parts"] if p["chapters"]]
    (build / "executed" / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    pdf = make_pdf.make_pdf(build)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    log = (build / "latex" / "mutualism.log").read_text(errors="replace")
    written = re.findall(r"Output written on mutualism\.(?:pdf|xdv) \((\d+) pages?", log)  # XeTeX: .xdv
    assert written and int(written[-1]) >= 5, written


def test_make_pdf_refuses_a_folder_without_a_book(tmp_path, capsys):
    make_pdf = _make_pdf_module()
    assert make_pdf.main([str(tmp_path)]) == 2
    assert "holds no executed book: run `make book` first" in capsys.readouterr().err
