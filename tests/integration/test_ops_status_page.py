#!/usr/bin/python3
"""The read-only status page (smsgwctl serve-status) loaded in headless Chromium (a
browser we did not write) while a gateway runs: it lists the processes, the queues,
the last hour's chart (one bar per minute and series) and the recent submissions with
their status, with customer text escaped. Chromium comes from Debian (tools/install-deps)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, TOP, gateway, run, wait_until  # noqa: E402

CTL = os.path.join(BUILD, "tools", "smsgwctl")


def chromium():
    if not shutil.which("chromium"):
        subprocess.run([os.path.join(TOP, "tools", "install-deps")], check=True, timeout=1200)
    return shutil.which("chromium")


def dump_dom(url):
    profile = tempfile.mkdtemp(prefix="smsgw-chromium-")
    try:
        p = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", url],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0 and "</html>" in p.stdout, (p.returncode, p.stderr[-2000:])
        return p.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Page(HTMLParser):
    """What a person sees, by element: rows of each table by section, SVG bars, attrs."""

    def __init__(self, html):
        super().__init__()
        self.section, self.rows, self.bars, self.attrs, self.cell = None, {}, [], {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
        if a.get("id"):
            self.attrs[a["id"]] = a
        if tag == "tr":
            self.rows.setdefault(self.section, []).append({"attrs": a, "cells": []})
        if tag == "td":
            self.cell = ""
        if tag == "rect":
            self.bars.append(a)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[self.section][-1]["cells"].append(self.cell)
            self.cell = None


def finals(gw, sub):
    return gw.receipts(sub, "delivered") + gw.receipts(sub, "undelivered")


def test_status_page_in_chromium():
    assert chromium(), "chromium not installed"
    with gateway("page", smsc_args=["--dlr-delay", "0.2", "--fail-prefix", "3370"]) as gw:
        gw.start_all()
        subs = []
        for rcpt, subject in (("SMS=0601020304@sms.test", "Rappel <b>RDV</b> & co"),
                              ("SMS=0701020306@sms.test", "Échec attendu")):
            code, text = gw.send("compta@acme.test", [rcpt], subject, "Bonjour")
            assert code == 250, (code, text)
            subs.append(re.search(r"submission (\d+)", text).group(1))
        for sub in subs:
            wait_until(lambda: finals(gw, sub), 30, "final receipt of %s" % sub)
        srv = subprocess.Popen([CTL, "-c", gw.config, "serve-status", "--listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            line = srv.stdout.readline()
            m = re.match(r"serving (http://127\.0\.0\.1:\d+/)$", line.strip())
            assert m, line
            page = Page(dump_dom(m.group(1)))
        finally:
            srv.terminate()
            assert srv.wait(10) == 0

    procs = {r["attrs"]["data-process"]: r["attrs"]["data-state"]
             for r in page.rows["processes"] if "data-process" in r["attrs"]}
    assert procs == {"smsgw-ingress": "unknown", "smsgw-router": "unknown",
                     "smsgw-dlr": "unknown", "smsgw-egress@opa": "unknown"}, procs
    queues = {r["attrs"]["data-operator"]: r["attrs"]["data-jobs"]
              for r in page.rows["queues"] if "data-operator" in r["attrs"]}
    assert queues == {"TOTAL": "0", "opa": "0"}, queues
    assert page.attrs["dlr-store"]["data-awaiting"] == "0"
    totals = page.attrs["totals"]
    assert (totals["data-accepted"], totals["data-delivered"], totals["data-failed"]) == \
        ("2", "1", "1"), totals
    by_class = {}
    for b in page.bars:
        by_class[b["class"]] = by_class.get(b["class"], 0) + int(b["data-count"])
        assert 0 <= int(b["data-minute"]) < 60 and int(b["height"]) >= 1, b
    assert by_class == {"acc": 2, "dlv": 1, "fail": 1}, by_class
    recent = {r["attrs"]["data-submission"]: r["cells"] for r in page.rows["recent"]
              if "data-submission" in r["attrs"]}
    assert sorted(recent) == sorted(subs), recent
    assert recent[subs[0]][2:] == ["acme", "1", "1/1 delivered", "Rappel <b>RDV</b> & co"], \
        recent[subs[0]]
    assert recent[subs[1]][4:] == ["0/1 delivered, 1 undelivered", "Échec attendu"], \
        recent[subs[1]]


if __name__ == "__main__":
    run([test_status_page_in_chromium])
