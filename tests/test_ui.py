"""What an operator sees in the Prefect UI, checked in a real browser against a real server.

One module-scoped ``prefect server start --host 127.0.0.1`` (temp ``PREFECT_HOME``, free port)
serves both the API and the UI. The flow runs twice against it: once translating with a tiny
model (summary, per-document table, progress and link artifacts), once with
``translate=require`` and no model (a Failed state naming the model). Headless Chromium, driven
through the DevTools protocol (the UI is a JS app, so the test waits until the text appears
instead of guessing a delay), opens the flow-run page and each artifact's page, asserts what is
shown and keeps screenshots under the test's tmp dir (copied to ``bench/results/ui/``).

Skipped, with the reason, when Chromium is not installed (``apt-get install -y chromium``).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = [pytest.mark.flow,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1000"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough of the Chrome DevTools protocol: open a page, wait for text, click, shoot."""

    def __init__(self, profile: Path) -> None:
        from websockets.sync.client import connect

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                      "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        ws_url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and ws_url is None:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
        assert ws_url, "Chromium did not start its DevTools endpoint"
        self.ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=30)
        self.ids = itertools.count(1)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def call(self, method: str, session: bool = False, **params):
        msg_id = next(self.ids)
        msg = {"id": msg_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def goto(self, url: str) -> None:
        self.call("Page.navigate", session=True, url=url)

    def text(self) -> str:
        r = self.call("Runtime.evaluate", session=True, expression="document.body ? document.body.innerText : ''",
                      returnByValue=True)
        return r.get("result", {}).get("value", "") or ""

    def wait_for(self, *needles: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        txt = ""
        while time.monotonic() < deadline:
            txt = self.text()
            if all(n in txt for n in needles):
                return txt
            time.sleep(0.5)
        raise AssertionError(f"page never showed {needles!r}; it shows:\n{txt[:3000]}")

    def click_text(self, label: str) -> None:
        js = ("(() => { const els = [...document.querySelectorAll('button, a, [role=tab], li, span')]"
              f".filter(e => e.innerText && e.innerText.trim() === {json.dumps(label)});"
              " if (!els.length) return false; els[0].click(); return true; })()")
        r = self.call("Runtime.evaluate", session=True, expression=js, returnByValue=True)
        assert r.get("result", {}).get("value") is True, f"no clickable {label!r}"

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serve import start_server, stop_server

    home = tmp_path_factory.mktemp("prefect_home")
    port = _free_port()
    with open(home / "server.log", "ab") as log:
        proc, url = start_server(port, str(home), log)
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield {"url": url, "ui": f"http://127.0.0.1:{port}"}
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium_profile"))
    yield b
    b.close()


def _artifact_ids(flow_run_id) -> dict[str, str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: str(a.id) for a in arts if a.key}


def _keep(shot: Path) -> None:
    dest = ROOT / "bench" / "results" / "ui"
    try:
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, dest / shot.name)
    except OSError:
        pass


def test_operator_sees_the_run_and_its_artifacts(server, browser, tiny_models, tmp_path):
    from flows.pipeline import normalise_flow

    config = {"stages": {"translate": {"models": {k: str(v) for k, v in tiny_models.items()}, "num_beams": 1,
                                       "max_new_tokens": 8, "tm_path": str(tmp_path / "tm.sqlite")}}}
    state = normalise_flow(inputs=[str(SEEDS / "003_7d28a0afa9b97a46.txt"), str(SEEDS / "000_da88c3994183a637.txt")],
                           out=str(tmp_path / "out"), translate="auto", config=config, return_state=True)
    assert state.is_completed(), state.message
    fid = state.state_details.flow_run_id

    browser.goto(f"{server['ui']}/runs/flow-run/{fid}")
    txt = browser.wait_for("Completed", "Task runs")
    browser.click_text("Task Runs")
    txt = browser.wait_for("clean-and-segment-1-of-1", "translate-1-of-1", "write-outputs")
    browser.screenshot(tmp_path / "flow_run_tasks.png")
    browser.click_text("Artifacts")
    txt = browser.wait_for("normalise-report", "normalise-documents", "normalise-outputs", "translation-progress")
    browser.screenshot(tmp_path / "flow_run_artifacts.png")
    _keep(tmp_path / "flow_run_artifacts.png")

    arts = _artifact_ids(fid)
    # the summary: warnings first, then counts and the rest of the report
    browser.goto(f"{server['ui']}/artifacts/artifact/{arts['normalise-report']}")
    txt = browser.wait_for("Warnings", "Counts", "Lines dropped, by reason", "MT-origin scores", "Pairs")
    assert txt.index("Warnings") < txt.index("Counts") < txt.index("Lines dropped, by reason")
    browser.screenshot(tmp_path / "report.png")
    _keep(tmp_path / "report.png")
    # the per-document table names both documents
    browser.goto(f"{server['ui']}/artifacts/artifact/{arts['normalise-documents']}")
    browser.wait_for("003_7d28a0afa9b97a46", "000_da88c3994183a637", "dropped")
    browser.screenshot(tmp_path / "documents.png")
    _keep(tmp_path / "documents.png")
    # the link to the outputs points at the run directory that was written
    browser.goto(f"{server['ui']}/artifacts/artifact/{arts['normalise-outputs']}")
    browser.wait_for(f"outputs of {Path(state.result()).name}")


def test_failed_run_names_its_cause(server, browser, tmp_path):
    from flows.pipeline import normalise_flow

    state = normalise_flow(inputs=[str(SEEDS / "000_da88c3994183a637.txt")], out=str(tmp_path / "out"),
                           translate="require", return_state=True)
    assert state.is_failed()
    browser.goto(f"{server['ui']}/runs/flow-run/{state.state_details.flow_run_id}")
    browser.wait_for("Failed")
    txt = browser.wait_for("TranslationRequired", "opus-mt-en-fr")
    assert "Fix" in txt or "normalise models" in txt
    browser.screenshot(tmp_path / "failed.png")
    _keep(tmp_path / "failed.png")


def test_deployment_on_the_server(server, tmp_path):
    """`normalise serve`'s deployment, applied to the server: scheduled, one run at a time."""
    from prefect.client.orchestration import get_client

    from flows.serve import build_deployment

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dep_id = build_deployment(str(inbox), str(tmp_path / "out"), cron="*/5 * * * *").apply()
    with get_client(sync_client=True) as client:
        dep = client.read_deployment(dep_id)
        assert dep.parameters["translate"] == "require" and dep.parameters["incremental"] is True
        assert [s.schedule.cron for s in dep.schedules] == ["*/5 * * * *"]
        assert dep.global_concurrency_limit is not None and dep.global_concurrency_limit.limit == 1
