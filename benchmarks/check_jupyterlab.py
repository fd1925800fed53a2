"""The analyst's workbench in a real JupyterLab, driven by a headless browser (issue 19).

Starts ``jupyter lab`` from the project's environment with the repository's
``jupyter_server_config.py``, opens ``notebooks/explore.ipynb`` and ``notebooks/school.ipynb``
in Chromium, runs all cells and saves each (Ctrl+S, as an analyst would), then opens a scratch
notebook in ``notebooks/work/`` and builds the reports of two schools from a cell
(``district.run_reports``). Screenshots go to ``--out``; at the end ``git status`` of the
tracked files must be clean and no cell may show an error.

Needs Playwright's Python package and a Chromium (the system's is used)::

    .venv/bin/python -m pip install playwright
    .venv/bin/python benchmarks/check_jupyterlab.py --out /tmp/lab-check   # ≈ 3–5 minutes

Not part of ``make test``: a browser is not a dependency of the project.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "proforient-lab-check"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab(port: int, log: Path) -> subprocess.Popen:
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={ROOT}",
         f"--config={ROOT / 'jupyter_server_config.py'}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    for _ in range(240):
        if lab.poll() is not None:
            raise SystemExit(f"jupyter lab stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}",
                                   timeout=2)
            return lab
        except OSError:
            time.sleep(0.5)
    raise SystemExit("jupyter lab did not start in 2 minutes")


def _wait_idle(page, timeout_s: float) -> None:
    """Until no cell is queued or running ([*]) and the kernel is idle."""
    deadline = time.time() + timeout_s
    time.sleep(2)
    while time.time() < deadline:
        busy = page.evaluate(
            """() => [...document.querySelectorAll('.jp-InputPrompt')]
                     .some(p => p.textContent.includes('*'))""")
        if not busy:
            return
        time.sleep(1)
    raise SystemExit("cells still running after the timeout")


def _open(browser, base: str, path: str):
    """A fresh JupyterLab page (workspace reset) with ``path`` open and its kernel started."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{path}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook:visible", timeout=120_000)
    # JupyterLab asks which kernel to start for a notebook it has not run yet; without the
    # dialog the kernel starts by itself
    with contextlib.suppress(Exception):
        page.get_by_role("button", name="Select", exact=True).click(timeout=20_000)
    with contextlib.suppress(Exception):  # "get notified about Jupyter news?"
        page.get_by_role("button", name="No", exact=True).click(timeout=3_000)
    page.wait_for_function("() => document.body.innerText.includes('| Idle')",
                           timeout=120_000)
    time.sleep(3)
    return page


def _run_all(page, timeout_s: float) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    _wait_idle(page, timeout_s)


def _run_all_and_save(browser, base: str, path: str, out: Path, name: str) -> list[str]:
    page = _open(browser, base, path)
    _run_all(page, 600)
    page.keyboard.press("Control+s")
    time.sleep(3)
    page.screenshot(path=str(out / f"{name}.png"), full_page=False)  # Run All ends below
    dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty").count()
    box = page.locator(".jp-Notebook:visible").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for i in range(1, 4):  # the outputs above, as the analyst scrolls up
        page.mouse.wheel(0, -1800)
        time.sleep(1.5)
        page.screenshot(path=str(out / f"{name}-up{i}.png"), full_page=False)
    errors = page.evaluate(
        """() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\
"application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type=\
"application/vnd.jupyter.error"]')].map(e => e.textContent.slice(0, 300))""")
    page.close()
    return errors + (["still unsaved after Ctrl+S"] if dirty else [])


def _cell_from_scratch(browser, base: str, out: Path) -> str:
    """A new notebook in notebooks/work/ whose one cell builds the reports of two schools."""
    work = ROOT / "notebooks" / "work"
    work.mkdir(exist_ok=True)
    scratch = work / "lab-check.ipynb"
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from proforient.explore import open_district\n"
        "district = open_district('data/demo')  # found in the project folder\n"
        "result = district.run_reports(['sch-01', 'sch-02'], out_dir='reports', jobs=2)\n"
        "print('РЕЗУЛЬТАТ:', len(result.run), 'отчётов,', len(result.failed), 'с ошибками')")]
    nbformat.write(nb, scratch)
    page = _open(browser, base, f"notebooks/work/{scratch.name}")
    _run_all(page, 900)
    page.screenshot(path=str(out / "batch-two-schools.png"), full_page=False)
    text = page.inner_text(".jp-Notebook:visible")
    page.close()
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/lab-check"))
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM")
                        or shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    lab = _start_lab(port, args.out / "jupyterlab.log")
    problems: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, headless=True,
                                         args=["--no-sandbox"])
            for name in ("explore", "school"):
                errors = _run_all_and_save(browser, base, f"notebooks/{name}.ipynb",
                                           args.out, name)
                problems += [f"{name}.ipynb: {e}" for e in errors]
            text = _cell_from_scratch(browser, base, args.out)
            if "РЕЗУЛЬТАТ: 4 отчётов, 0 с ошибками" not in text:
                problems.append(f"batch from a cell: {text[-1500:]}")
            browser.close()
    finally:
        lab.terminate()
        lab.wait(timeout=60)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    if status.strip():
        problems.append(f"git status not clean after Run All and save:\n{status}")
    print(f"Screenshots: {args.out}")
    for p in problems:
        print("PROBLEM:", p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
