#!/usr/bin/python3
"""Every process serves Prometheus metrics and /status.json on its metrics_listen
(cm_metrics): during a run the queue depths (smsgw_store_entries) move while the SMSC is
away and return to zero once it is back; smsgwctl status sees every process up."""
import json
import os
import re
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, free_port, gateway, run, wait_until  # noqa: E402

CTL = os.path.join(BUILD, "tools", "smsgwctl")


def with_metrics(gw):
    """Adds metrics_listen to every process group of the harness's config."""
    ports = {k: free_port() for k in ("ingress", "router", "dlr", "egress")}
    with open(gw.config) as f:
        text = f.read()
    for group in ("ingress", "router", "dlr"):
        text, n = re.subn(r"^%s = \{ " % group, '%s = { metrics_listen = "127.0.0.1:%d"; '
                          % (group, ports[group]), text, flags=re.M)
        assert n == 1, group
    text, n = re.subn(r'\{ name = "opa"; ', '{ name = "opa"; metrics_listen = "127.0.0.1:%d"; '
                      % ports["egress"], text)
    assert n == 1
    with open(gw.config, "w") as f:
        f.write(text)
    return ports


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def sample(port, name, labels):
    try:
        text = get(port, "/metrics")[2]
    except OSError:
        return None
    m = re.search(r"^%s\{%s\} (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


def depth(port, store, db):
    return sample(port, "smsgw_store_entries", 'store="%s",db="%s"' % (store, db))


def test_depths_move_and_return_to_zero():
    with gateway("metrics", smsc_args=["--dlr-delay", "0.2"]) as gw:
        ports = with_metrics(gw)
        gw.start_sink()
        for name in ("router", "dlr", "egress", "ingress"):
            gw.start(name)
        for name in ports:
            code, ctype, text = get(ports[name], "/metrics")
            assert code == 200 and ctype.startswith("text/plain; version=0.0.4"), (name, ctype)
            assert "# TYPE smsgw_process_start_time_seconds gauge" in text, text
            code, ctype, text = get(ports[name], "/status.json")
            st = json.loads(text)
            assert ctype == "application/json" and st["process"] == "smsgw-" + name, st
            assert st["pid"] == gw.procs[name].p.pid, (st["pid"], gw.procs[name].p.pid)
        assert depth(ports["router"], "router", "jobs") == 0
        for i in range(5):
            code, _ = gw.send("compta@acme.test", ["SMS=060102030%d@sms.test" % i], "m%d" % i,
                              "Bonjour")
            assert code == 250
        wait_until(lambda: depth(ports["router"], "router", "jobs") == 5, 15, "5 jobs queued")
        rport = ports["router"]
        assert sample(rport, "smsgw_router_jobs", 'operator="opa",state="ready"') == 5
        assert sample(rport, "smsgw_router_submissions_total", 'status="accepted"') == 5
        assert sample(rport, "smsgw_router_egress_credit", 'operator="opa"') == 0  # no SMSC
        assert sample(rport, "smsgw_router_oldest_ready_seconds", 'operator="opa"') >= 0
        wait_until(lambda: depth(ports["dlr"], "dlr", "expiry") == 5, 15,
                   "5 submissions awaiting receipts")
        p = subprocess.run([CTL, "-c", gw.config, "status"], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
        for name in ("smsgw-ingress", "smsgw-router", "smsgw-dlr", "smsgw-egress@opa"):
            assert re.search(r"^%s +127\.0\.0\.1:\d+ +up " % name, p.stdout, re.M), p.stdout
        gw.start_smsc()
        wait_until(lambda: depth(ports["router"], "router", "jobs") == 0, 60, "jobs to drain")
        wait_until(lambda: depth(ports["dlr"], "dlr", "expiry") == 0, 60, "final receipts")
        wait_until(lambda: depth(ports["dlr"], "dlr", "outbox") == 0, 60, "receipt mails sent")
        assert depth(ports["router"], "router", "to_dlr") == 0
        assert sample(rport, "smsgw_router_jobs", 'operator="opa",state="ready"') == 0
        assert sample(rport, "smsgw_router_results_total",
                      'operator="opa",status="submitted"') == 5
        assert sample(rport, "smsgw_router_egress_up", 'operator="opa"') == 1
        gw.procs["dlr"].stop()
        p = subprocess.run([CTL, "-c", gw.config, "status"], capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 1 and re.search(r"^smsgw-dlr +\S+ +DOWN ", p.stdout, re.M), \
            (p.returncode, p.stdout)


if __name__ == "__main__":
    run([test_depths_move_and_return_to_zero])
