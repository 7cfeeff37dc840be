"""chaos invariants: SPEC §10 ("nothing lost") checked on what the peers saw.

Inputs: the load's Mail records (load.py), the SMSC's submits (smsc_log.py), the
receipts in the sink's maildir (Receipts below) and the moments an SMS could have
been in an SMPP window that died (egress kills, SMSC connection losses).

evaluate(...) -> report dict: counts, and `failures`, a list of strings, empty when
every invariant holds:
  lost        an email that got 250 with a valid recipient the SMSC never received
              (matched by destination_addr and text);
  stray       a submit whose (destination, text) no email of the load asked for;
  duplicate   the same (destination, text) submitted twice or more: counted; a failure
              only when no window death (`windows`, times) lies between the first and
              the last of those submits (+- slack), i.e. it cannot come from an SMSC
              window lost at an egress kill;
  receipts    per submission number in the sink: exactly one acceptance-kind receipt
              (accepted, rejected, duplicate, dry-run); an accepted one has exactly
              one final receipt (delivered, undelivered, partial), which must be
              `final_status` (default: delivered, or partial for an email with an
              invalid list line); a duplicate has none. Copies with the same
              Message-ID are counted as duplicate_receipts, a failure unless a dlr
              kill (`dlr_windows`) lies between them (the smarthost took the mail and
              dlr died before it recorded that). Every 250's submission number has
              its receipts; each email that got 250 has exactly one `accepted`
              submission (one original, any retry after a lost 250 is a `duplicate`,
              counted as `dedup_retries`).
  no final    with `info`, an accepted submission without its final receipt is a
              failure when dlr keeps one of its receipts in `early` (its RESULT never
              came: result_lost), and is counted (receipts_not_redelivered) when the
              SMSC peer sent one of its receipts on a bind that died unanswered (the
              test peers never re-send those; a real SMSC does).
pending(...) -> what is still expected (for the bounded drain wait).
"""
import collections
import email.parser
import email.policy
import glob
import os
import re

ACCEPT_KINDS = ("accepted", "rejected", "duplicate", "dry-run")
FINAL_KINDS = ("delivered", "undelivered", "partial")


def arrival(path):
    """Delivery time of a maildir file from its name ("<sec>.M<usec>P..."), else mtime."""
    m = re.match(r"(\d+)\.M(\d+)P", os.path.basename(path))
    return int(m.group(1)) + int(m.group(2)) / 1e6 if m else os.path.getmtime(path)


class Receipts:
    """Headers of every receipt in a maildir, read incrementally (each file once)."""

    def __init__(self, maildir):
        self.maildir = maildir
        self.seen = {}
        self.parser = email.parser.BytesHeaderParser(policy=email.policy.default)

    def refresh(self):
        for path in glob.glob(os.path.join(self.maildir, "new", "*")):
            if path in self.seen:
                continue
            with open(path, "rb") as f:
                h = self.parser.parse(f)
            self.seen[path] = {"submission": str(h["X-SMSGW-Submission"] or ""),
                               "status": str(h["X-SMSGW-Status"] or ""),
                               "in_reply_to": str(h["In-Reply-To"] or ""),
                               "message_id": str(h["Message-ID"] or ""),
                               "arrived": arrival(path)}
        return list(self.seen.values())

    def by_submission(self):
        out = collections.defaultdict(list)
        for r in self.refresh():
            out[r["submission"]].append(r["status"])
        return out


def submitted_keys(submits):
    return collections.Counter((s.dest, s.text) for s in submits)


def pending(mails, submits, receipts):
    """(recipients of 250'd emails not at the SMSC yet, submissions still waiting for an
    acceptance or a final receipt)."""
    keys = submitted_keys(submits)
    missing = sum(1 for m in mails if m.code == 250 for d in m.valid if (d, m.token) not in keys)
    subs = receipts.by_submission()
    waiting = set()
    for m in mails:
        if m.code != 250:
            continue
        got = subs.get(m.submission, [])
        acc = [s for s in got if s in ACCEPT_KINDS]
        if not acc or (acc[0] == "accepted" and not [s for s in got if s in FINAL_KINDS]):
            waiting.add(m.submission)
    for number, got in subs.items():
        if "accepted" in got and not [s for s in got if s in FINAL_KINDS]:
            waiting.add(number)
    return missing, len(waiting)


def explained(times, windows, slack):
    first, last = min(times), max(times)
    return any(first - slack <= w <= last + slack for w in windows)


def check_duplicates(keys_times, windows, slack, report):
    dups = {k: t for k, t in keys_times.items() if len(t) > 1}
    report["duplicate_sms"] = sum(len(t) - 1 for t in dups.values())
    report["duplicate_recipients"] = len(dups)
    bad = [k for k, t in dups.items() if not explained(t, windows, slack)]
    report["unexplained_duplicates"] = len(bad)
    for dest, text in bad[:10]:
        report["failures"].append("duplicate without a window death: %s %r at %s"
                                  % (dest, text, sorted(keys_times[(dest, text)])))


def copies(rs, kinds):
    """Receipts of those kinds grouped by Message-ID: {message_id: [arrival times]}."""
    out = collections.defaultdict(list)
    for r in rs:
        if r["status"] in kinds:
            out[r["message_id"]].append(r["arrived"])
    return out


def count_copies(number, kind, by_id, dlr_windows, slack, report):
    """One receipt of `kind` wanted; extra copies of the same Message-ID are counted,
    and must straddle a dlr kill (mail sent, dlr killed before it recorded that)."""
    for mid, times in by_id.items():
        if len(times) < 2:
            continue
        report["duplicate_receipts"] += len(times) - 1
        if not explained(times, dlr_windows, slack):
            report["failures"].append("submission %s: %d copies of its %s receipt %s without a "
                                      "dlr kill between them" % (number, len(times), kind, mid))


def as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def in_early(msg_id, early):
    forms = ["t:%s\0" % msg_id.lower(), "t:%s\0" % (msg_id.lower().lstrip("0") or "0")]
    try:
        forms.append("n:%d\0" % int(msg_id, 16))
    except ValueError:
        pass
    return any(f in k.lower() for k in early for f in forms)


def no_final(number, ctx, msgid, report):
    """An accepted submission without its final receipt: why?"""
    mail = ctx["mails"].get(msgid)
    ids = [i for d in (mail.valid if mail else []) for i in ctx["ids"].get((d, mail.token), [])]
    info = ctx["info"]
    if [i for i in ids if in_early(i, info["early"])]:
        report["failures"].append("submission %s: no final receipt; dlr keeps its receipt in "
                                  "`early`: the RESULT never reached dlr (tests/chaos/"
                                  "repro_result_lost.py)" % number)
        report["result_lost"] = report.get("result_lost", 0) + 1
    elif [i for i in ids if i.upper() in info["unacked"]]:
        report["receipts_not_redelivered"] = report.get("receipts_not_redelivered", 0) + 1
    else:
        report["failures"].append("submission %s: no final receipt (SMSC ids %s)" % (number, ids))


def check_receipts(mails, receipts, final_status, dlr_windows, slack, report, ctx):
    """final_status: the final status (or tuple of statuses) every accepted submission
    must end with; None means "delivered" ("partial" too for an email with invalid
    list lines)."""
    fails = report["failures"]
    report["duplicate_receipts"] = 0
    # A list with an invalid line: its final status depends on whether dlr counts the
    # lines rejected at acceptance (partial) or only the queued recipients (delivered).
    want = {m.msgid: (("delivered", "partial") if m.invalid else "delivered") for m in mails}
    by_sub = collections.defaultdict(list)
    for r in receipts.refresh():
        by_sub[r["submission"]].append(r)
    for number, rs in sorted(by_sub.items()):
        acc, fin = copies(rs, ACCEPT_KINDS), copies(rs, FINAL_KINDS)
        acc_kinds = sorted({r["status"] for r in rs if r["status"] in ACCEPT_KINDS})
        fin_kinds = sorted({r["status"] for r in rs if r["status"] in FINAL_KINDS})
        expect = final_status or want.get(rs[0]["in_reply_to"], "delivered")
        count_copies(number, "acceptance", acc, dlr_windows, slack, report)
        count_copies(number, "final", fin, dlr_windows, slack, report)
        if len(acc) != 1 or len(acc_kinds) != 1:
            fails.append("submission %s: %d acceptance receipts %r" % (number, len(acc), acc_kinds))
        elif acc_kinds == ["accepted"] and not fin and ctx.get("info") is not None:
            no_final(number, ctx, rs[0]["in_reply_to"], report)
        elif acc_kinds == ["accepted"] and (len(fin) != 1 or len(fin_kinds) != 1
                                            or fin_kinds[0] not in as_tuple(expect)):
            fails.append("submission %s: final receipts %r (want one %s)" % (number, fin_kinds, expect))
        elif acc_kinds == ["duplicate"] and fin:
            fails.append("submission %s: a duplicate with final receipts %r" % (number, fin_kinds))
    report["submissions_in_sink"] = len(by_sub)


def check_emails(mails, receipts, report):
    fails = report["failures"]
    subs = receipts.by_submission()
    accepted = collections.Counter(r["in_reply_to"] for r in
                                   {r["message_id"]: r for r in receipts.refresh()
                                    if r["status"] == "accepted"}.values())
    report["dedup_retries"] = 0
    for m in mails:
        if m.code == 250:
            got = subs.get(m.submission, [])
            if not got:
                fails.append("%s: 250 submission %s has no receipt" % (m.msgid, m.submission))
            if "duplicate" in got:
                report["dedup_retries"] += 1
            if accepted[m.msgid] != 1:
                fails.append("%s: %d accepted submissions (want 1)" % (m.msgid, accepted[m.msgid]))
        elif accepted[m.msgid] > 1:
            fails.append("%s (no 250): %d accepted submissions" % (m.msgid, accepted[m.msgid]))


def evaluate(mails, submits, receipts, windows, dlr_windows=(), slack=1.0, final_status=None,
             info=None):
    """info: {"unacked": set of SMSC message ids (upper case) whose receipt the peer sent
    and never saw answered, "early": dlr's `early` keys (stores.keys)}; with it, an
    accepted submission without a final receipt is explained when one of its receipts
    went unanswered on a dying connection (the test peers do not re-send those; a real
    SMSC does) and is a failure when dlr holds its receipt in `early` (RESULT lost)."""
    report = {"failures": [], "receipts_not_redelivered": 0, "result_lost": 0}
    ids = collections.defaultdict(list)
    for s in submits:
        ids[(s.dest, s.text)].append(s.msg_id)
    ctx = {"info": info, "ids": ids, "mails": {m.msgid: m for m in mails}}
    keys_times = collections.defaultdict(list)
    for s in submits:
        keys_times[(s.dest, s.text)].append(s.time)
    wanted = {(d, m.token) for m in mails for d in m.valid}
    lost = [(m.msgid, d) for m in mails if m.code == 250 for d in m.valid
            if (d, m.token) not in keys_times]
    report["lost_recipients"] = len(lost)
    for msgid, dest in lost[:10]:
        report["failures"].append("lost: %s recipient %s never reached the SMSC" % (msgid, dest))
    stray = [k for k in keys_times if k not in wanted]
    report["stray_submits"] = len(stray)
    for k in stray[:5]:
        report["failures"].append("stray submit %r" % (k,))
    report["submits"] = len(submits)
    check_duplicates(keys_times, windows, slack, report)
    check_receipts(mails, receipts, final_status, dlr_windows, slack, report, ctx)
    check_emails(mails, receipts, report)
    return report
