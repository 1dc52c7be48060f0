"""The explorer's figures: page size, build time and time to show in headless Chromium.

    python benchmarks/explorer.py [OUT_FOLDER]

writes the pages and a screenshot of each (the seeds' network mid-backward) to
OUT_FOLDER (default out/explorer) and prints the README's table.  Needs Debian's
chromium and chromium-driver and selenium.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from autograd import Value, explore, seeds
from autograd.losses import mse
from autograd.nn import MLP

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,900"]


def mlp(sizes: list[int]) -> Value:
    return mse(MLP(2, sizes, seed=0)([0.5, -1.0]), 1.0)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/explorer")
    out.mkdir(parents=True, exist_ok=True)
    cases = {"seeds": seeds.build().loss, "mlp-2-4-4-1": mlp([4, 4, 1]),
             "mlp-2-16-16-1": mlp([16, 16, 1])}
    profile = tempfile.mkdtemp(prefix="explorer-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    rows = []
    try:
        for name, root in cases.items():
            started = time.perf_counter()
            ex = explore(root)
            path = Path(ex.save(out / f"{name}.html"))
            build = time.perf_counter() - started
            ready = []
            for _ in range(5):
                driver.get(path.resolve().as_uri())
                ready.append(int(driver.execute_script(
                    "return document.body.getAttribute('data-ready-ms')")))
            steps = len(ex.model["steps"]) // 2 + 4  # mid-backward
            t0 = time.perf_counter()
            for _ in range(steps):
                driver.execute_script(
                    "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'}))")
            per_step = (time.perf_counter() - t0) / steps * 1000
            driver.save_screenshot(str(out / f"{name}.png"))
            rows.append((name, len(ex.model["nodes"]), ex.model["view"], path.stat().st_size / 1e3,
                         build, sorted(ready)[len(ready) // 2], per_step))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print("| graph | values | opens | page size | explore + save | shown in Chromium | one step |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name, n, view, kb, build, ready, step in rows:
        print(f"| {name} | {n} | {view} | {kb:.0f} kB | {build:.2f} s | {ready} ms | {step:.0f} ms |")


if __name__ == "__main__":
    main()
