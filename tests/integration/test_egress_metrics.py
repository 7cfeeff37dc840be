#!/usr/bin/python3
"""The egress's Prometheus metrics (smpp-egress/se_metrics.c, docs/operations.md) scraped
from /metrics while it works against Net::SMPP (tests/peers/smsc.pl): during a
throttling run the throttle counter and the adaptive rate limit move (the limit comes
back to 0 once lifted), binds up equals the configured count, the window is back at 0
at the end and `smsgwctl status` shows binds and window; when the SMSC drops a
connection mid-window the lost submits (the possible duplicates) are counted. Every
egress log line about a job names its submission and job (issue 9)."""
import os
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD, free_port, gateway, run, wait_until  # noqa: E402

CTL = os.path.join(BUILD, "tools", "smsgwctl")
LINE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$", re.M)
JOB_LINE_RE = re.compile(r"submission \d+ job \d+ attempt \d+")


def scrape(port):
    """{(name, labels without operator="opa"): value} of every egress sample."""
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        text = r.read().decode()
    out = {}
    for name, labels, value in LINE_RE.findall(text):
        if name.startswith("smsgw_egress_"):
            labels = labels.strip("{}").replace('operator="opa"', "").strip(",")
            out[(name, labels)] = float(value)
    return out


def metric(port, name, labels=""):
    return scrape(port).get((name, labels))


def numbers(n, first=10):
    return ["06%08d" % (first + i) for i in range(n)]


def send_list(gw, nums):
    code, reply = gw.send("compta@acme.test", ["SMS=%s@sms.test" % x for x in nums], "metrics",
                          "Votre code est 1234")
    assert code == 250, (code, reply)
    return re.search(r"submission (\d+)", reply).group(1)


def ctl_egress_line(gw):
    p = subprocess.run([CTL, "-c", gw.config, "status"], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    m = re.search(r"^smsgw-egress@opa +127\.0\.0\.1:\d+ +up .*$", p.stdout, re.M)
    assert m, p.stdout
    return m.group(0)


def check_job_lines(log):
    """Every egress line that speaks of a job names submission, job and attempt."""
    lines = [l for l in log.splitlines() if re.search(r"\bjob \d+", l)]
    assert lines, log[-2000:]
    bad = [l for l in lines if not JOB_LINE_RE.search(l)]
    assert not bad, bad


def stop_clean(gw):
    proc = gw.procs["egress"]
    proc.stop()
    log = proc.text()
    assert proc.p.returncode == 0, (proc.p.returncode, log[-2000:])
    assert "Sanitizer" not in log and "runtime error:" not in log, log[-4000:]


def test_throttling_moves_the_metrics():
    n, k, port = 30, 5, free_port()
    with gateway("egmetrics", smsc_args=["--dlr-delay", "0.1", "--submit-status", "0x58",
                                         "--submit-status-count", str(k)],
                 operator_opts='metrics_listen = "127.0.0.1:%d";' % port,
                 bind_opts="max_rate = 20; count = 2;") as gw:
        gw.start_all()
        wait_until(lambda: metric(port, "smsgw_egress_binds", 'state="up"') == 2, 20,
                   "both binds up")
        m = scrape(port)
        assert m[("smsgw_egress_binds", 'state="down"')] == 0, m
        assert m[("smsgw_egress_binds", 'state="binding"')] == 0, m
        assert m[("smsgw_egress_window_size", "")] == 20, m  # 2 binds x window 10
        assert m[("smsgw_egress_throttled_total", "")] == 0, m
        assert m[("smsgw_egress_rate_limit", "")] == 0, m
        assert ctl_egress_line(gw).endswith("binds 2/2 up, window 0/20"), ctl_egress_line(gw)
        sub = send_list(gw, numbers(n))
        samples, end = [], time.time() + 40
        while time.time() < end and not gw.receipts(sub, "delivered"):
            samples.append(scrape(port))
            time.sleep(0.1)
        assert gw.receipts(sub, "delivered"), "every SMS delivered"
        limits = [s[("smsgw_egress_rate_limit", "")] for s in samples]
        throttled = [s[("smsgw_egress_throttled_total", "")] for s in samples]
        assert max(limits) > 0, limits  # the adaptive limit was set...
        assert max(limits) < 40, limits  # ...below the configured 2 x 20/s
        assert throttled == sorted(throttled) and throttled[-1] == k, throttled
        # ...and lifted again (+10% a second from 10/s: about 8 s)
        wait_until(lambda: metric(port, "smsgw_egress_rate_limit") == 0, 15, "limit lifted")
        wait_until(lambda: metric(port, "smsgw_egress_delivers_total", 'kind="receipt"') == n, 10,
                   "every receipt counted")
        wait_until(lambda: metric(port, "smsgw_egress_results_unacked", 'link="dlr"') == 0
                   and metric(port, "smsgw_egress_results_unacked", 'link="router"') == 0, 10,
                   "every RESULT acknowledged")
        m = scrape(port)
        want = {("smsgw_egress_binds", 'state="up"'): 2,
                ("smsgw_egress_window_used", ""): 0,
                ("smsgw_egress_window_size", ""): 20,
                ("smsgw_egress_submits_total", ""): n + k,
                ("smsgw_egress_submit_errors_total", 'status="0x00000058"'): k,
                ("smsgw_egress_throttled_total", ""): k,
                ("smsgw_egress_lost_submits_total", ""): 0,
                ("smsgw_egress_delivers_total", 'kind="mo"'): 0,
                ("smsgw_egress_delivers_unacked", ""): 0,
                ("smsgw_egress_jobs_held", ""): 0}
        got = {key: m.get(key) for key in want}
        assert got == want, got
        assert [key for key in m if key[0] == "smsgw_egress_submit_errors_total"] == \
            [("smsgw_egress_submit_errors_total", 'status="0x00000058"')], m
        assert ctl_egress_line(gw).endswith("binds 2/2 up, window 0/20"), ctl_egress_line(gw)
        log = gw.procs["egress"].text()
        assert re.search(r"ESME_RTHROTTLED: rate limited to 10\.0/s \(was 20\.0/s\), "
                         r"answering submission %s job \d+ attempt 1$" % sub, log, re.M), log
        check_job_lines(log)
        stop_clean(gw)


def test_lost_window_counted():
    port = free_port()
    with gateway("eglost", smsc_args=["--dlr-delay", "0.2", "--resp-delay", "0.3",
                                      "--close-after", "15", "--mo", "33601020304:36111:Bonjour"],
                 operator_opts='metrics_listen = "127.0.0.1:%d";' % port) as gw:
        gw.start_all()
        nums = numbers(30)
        sub = send_list(gw, nums)
        wait_until(lambda: gw.receipts(sub, "delivered"), 40, "every SMS delivered")
        unanswered = re.findall(r"^UNANSWERED ", gw.procs["smsc"].text(), re.M)
        log = gw.procs["egress"].text()
        lost = re.search(r"(\d+) submit_sm unanswered when the connection ended", log)
        assert lost and 1 <= len(unanswered) <= int(lost.group(1)) <= 10, (lost, unanswered)
        wait_until(lambda: metric(port, "smsgw_egress_window_used") == 0, 10, "window empty")
        assert metric(port, "smsgw_egress_lost_submits_total") == int(lost.group(1))
        # each job written once, and the lost ones once more (no other retry here)
        assert metric(port, "smsgw_egress_submits_total") == len(nums) + int(lost.group(1))
        wait_until(lambda: metric(port, "smsgw_egress_delivers_total", 'kind="mo"') == 1, 10,
                   "the MO counted")
        wait_until(lambda: metric(port, "smsgw_egress_binds", 'state="up"') == 1, 10, "bind up")
        assert re.search(r"connection \S+ lost with the submit_sm in its window", log), log
        check_job_lines(log)
        stop_clean(gw)


if __name__ == "__main__":
    run([test_throttling_moves_the_metrics, test_lost_window_counted])
