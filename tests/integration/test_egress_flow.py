#!/usr/bin/python3
"""Issue 7, the egress's flow control proven against an SMSC we did not write (Net::SMPP,
tests/peers/smsc.pl): throttling (the bind halves its rate at once and recovers 10% a
second; the jobs come back RETRY after the router's jittered delay; no retry storm), the
SMSC dropping the connection mid-window (every job still submitted, duplicates only
those the window held, counted), slow responses (the window is respected; a response
time-out gives RETRY), and a permanent error named in the final receipt."""
import collections
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import gateway, run, wait_until  # noqa: E402

SUBMIT_RE = re.compile(r"^SUBMIT sess=(\d+) seq=(\d+) id=(\S*) status=(0x[0-9A-F]+) to=(\d+)"
                       r" inflight=(\d+)$", re.M)


def numbers(n, first=10):
    return ["06%08d" % (first + i) for i in range(n)]


def dests(nums):
    return {"33" + x[1:] for x in nums}


def send_list(gw, nums, text="Votre code est 1234"):
    code, reply = gw.send("compta@acme.test", ["SMS=%s@sms.test" % x for x in nums], "flow", text)
    assert code == 250, (code, reply)
    return re.search(r"submission (\d+)", reply).group(1)


def answered(gw, key="smsc"):
    """[(sess, seq, id, status, to, inflight)] of every submit_sm_resp the peer sent."""
    return [(int(a), int(b), c, int(d, 16), e, int(f))
            for a, b, c, d, e, f in SUBMIT_RE.findall(gw.procs[key].text())]


def ok_dests(gw, key="smsc"):
    return [a[4] for a in answered(gw, key) if a[3] == 0]


def parse_time(s):
    t = time.strptime(s["time"][:19], "%Y-%m-%dT%H:%M:%S")
    return time.mktime(t) - time.timezone + int(s["time"][20:23]) / 1000.0


def egress_log(gw):
    return gw.procs["egress"].text()


def stop_clean(gw, key="egress"):
    """Stops an egress (SIGTERM) and checks that it drained and exited 0, with no
    sanitizer report when built with SMSGW_SANITIZE."""
    proc = gw.procs[key]
    proc.stop()
    log = proc.text()
    assert proc.p.returncode == 0, (proc.p.returncode, log[-2000:])
    assert "Sanitizer" not in log and "runtime error:" not in log, log[-4000:]


def test_throttle_backs_off_and_recovers():
    n, k = 30, 5
    with gateway("throttle", smsc_args=["--dlr-delay", "0.1", "--submit-status", "0x58",
                                        "--submit-status-count", str(k)],
                 bind_opts="max_rate = 20;") as gw:
        gw.start_all()
        nums = numbers(n)
        sub = send_list(gw, nums)
        wait_until(lambda: gw.receipts(sub, "delivered"), 40, "every SMS delivered")
        subs = gw.submits()
        # no retry storm: each throttled submit is retried exactly once
        assert len(subs) == n + k, len(subs)
        throttled = [s for s in subs if s["command_status"] == 0x58]
        assert len(throttled) == k
        assert sorted(ok_dests(gw)) == sorted(dests(nums)), "each job submitted once"
        # gradually: +10% a second, back to the configured 20/s after about 8 s
        log = wait_until(lambda: "rate limit lifted: 20.0/s" in egress_log(gw) and egress_log(gw),
                         15, "the rate limit lifted")
        assert log.count("ESME_RTHROTTLED: rate limited to 10.0/s (was 20.0/s)") == 1, log
        raised = re.findall(r"rate raised to ([\d.]+)/s", log)
        assert raised == ["11.0", "12.1", "13.3", "14.6", "16.1", "17.7", "19.5"], raised
        # sharply: at most 10/s, then 11/s, once the throttled answers are in (the
        # window's worth already on the wire when they came is not counted)
        t0 = parse_time(throttled[0])
        after = [s for s in subs if t0 + 0.5 < parse_time(s) <= t0 + 1.5]
        assert 5 <= len(after) <= 12, len(after)
        # the throttled jobs come back after the router's jittered delay (1-2 s at first)
        for s in throttled:
            again = [x for x in subs if x["destination_addr"] == s["destination_addr"]
                     and x["command_status"] == 0]
            assert len(again) == 1 and parse_time(again[0]) - parse_time(s) >= 0.95, again
        stop_clean(gw)


def test_permanent_error_named_in_final_receipt():
    with gateway("permanent", smsc_args=["--submit-status", "0x0B",
                                         "--submit-status-count", "1"]) as gw:
        gw.start_all()
        sub = send_list(gw, ["0601020304"])
        fin = wait_until(lambda: gw.receipts(sub, "undelivered"), 30, "final receipt")
        body = fin[0].get_body(("plain",)).get_content()
        # named: the code, with its SMPP name or dlr's wording of it
        assert "0x0000000B" in body and ("ESME_RINVDSTADR" in body or "invalide" in body), body
        time.sleep(1.5)  # longer than the router's first retry delay: nothing comes
        assert len(gw.submits()) == 1
        stop_clean(gw)


def test_smsc_drops_connection_mid_window():
    n = 30
    with gateway("drop", smsc_args=["--dlr-delay", "0.2", "--resp-delay", "0.3",
                                    "--close-after", "15"]) as gw:
        gw.start_all()
        nums = numbers(n)
        sub = send_list(gw, nums)
        wait_until(lambda: gw.receipts(sub, "delivered"), 40, "every SMS delivered")
        peer = gw.procs["smsc"].text()
        unanswered = re.findall(r"^UNANSWERED sess=\d+ seq=\d+ to=(\d+)$", peer, re.M)
        assert "CLOSE sess=1 reason=close-after" in peer
        assert 1 <= len(unanswered) <= 10, unanswered  # window 10
        assert sorted(ok_dests(gw)) == sorted(dests(nums)), "every job submitted once"
        counts = {}
        for s in gw.submits():
            counts[s["destination_addr"]] = counts.get(s["destination_addr"], 0) + 1
        dups = sorted(d for d, c in counts.items() if c > 1)
        assert dups == sorted(unanswered), (dups, unanswered)  # duplicates: the window only
        assert all(c <= 2 for c in counts.values())
        m = re.search(r"(\d+) submit_sm unanswered when the connection ended", egress_log(gw))
        assert m and len(unanswered) <= int(m.group(1)) <= 10, m and m.group(0)
        stop_clean(gw)


def test_slow_responses_window_respected():
    with gateway("slow", smsc_args=["--dlr-delay", "0.1", "--resp-delay", "0.2"],
                 bind_opts="window = 3;") as gw:
        gw.start_all()
        nums = numbers(12)
        sub = send_list(gw, nums)
        wait_until(lambda: gw.receipts(sub, "delivered"), 40, "every SMS delivered")
        inflight = [a[5] for a in answered(gw)]
        assert max(inflight) == 3, inflight  # the window is filled, never exceeded
        assert len(gw.submits()) == 12
        stop_clean(gw)


def test_response_timeout_drops_the_connection():
    """A submit_sm unanswered within response_timeout_s ends its connection (SPEC §10: a
    job may be submitted twice only when its window's connection died): the job is
    retried on the next connection, never twice on one SMPP session."""
    with gateway("timeout", smsc_args=["--dlr-delay", "0.1", "--resp-delay", "3",
                                       "--resp-delay-count", "2"],
                 operator_opts="response_timeout_s = 1;", bind_opts="window = 1;") as gw:
        gw.start_all()
        nums = numbers(4)
        sub = send_list(gw, nums)
        wait_until(lambda: gw.receipts(sub, "delivered"), 40, "every SMS delivered")
        log = egress_log(gw)
        # each names its job (issue 9: submission ids on every line)
        assert len(re.findall(r"no submit_sm_resp for seq \d+ within 1 s \(submission \d+ job \d+ "
                              r"attempt 1 part 1\)", log)) == 2, log
        assert log.count("submit_sm unanswered for 1 s: the connection is dropped") == 2, log
        assert set(ok_dests(gw)) == dests(nums)
        per_session = collections.Counter((s["sess"], s["destination_addr"]) for s in gw.submits())
        assert max(per_session.values()) == 1, per_session  # never twice on one session
        counts = collections.Counter(s["destination_addr"] for s in gw.submits())
        assert sorted(counts.values()) == [1, 1, 2, 2], counts  # the two timed out, again
        stop_clean(gw)


if __name__ == "__main__":
    run([test_throttle_backs_off_and_recovers, test_permanent_error_named_in_final_receipt,
         test_smsc_drops_connection_mid_window, test_slow_responses_window_respected,
         test_response_timeout_drops_the_connection])
