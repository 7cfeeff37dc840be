"""chaos load: the mixed email load of the chaos campaigns, sent the way an MTA would.

Load(port, seed, threads, rate) runs `threads` client threads (Python's smtplib), each
sending emails one after the other until stop() (or `limit` emails in all):
  - single: 1 to 3 `SMS=<number>@sms.test` recipients in one email;
  - multi: `multi_sms@sms.test` with a LISTE.TXT of 2 to 6 numbers, and now and then
    one invalid line (`12`), which the gateway must reject alone.
Every email has a unique Message-ID and a unique text ("chaos <seed>-<n> ..."), and its
numbers are unique to it, so what the SMSC received can be matched to it by
(destination_addr, text). An email that gets 4xx, a refused or dropped connection, or
a time-out is retried like an MTA would: same bytes, same Message-ID, after a short
back-off, until it gets 250 or 5xx or its retry budget (`max_tries`, `retry_s` of
wall-clock time) runs out. The 250's submission number is remembered.

Each Mail records: msgid, token (its text), mode, valid (E.164 digits as the SMSC gets
them, e.g. "33601234567"), invalid (list lines expected to be rejected), tries (one
(time, outcome) per attempt), code and reply of the last answer, submission (from the
250), t250 (time.time() of the 250). Thread-safe: each Mail is written by one thread;
`mails` is appended under a lock. Bounded: every email's tries and time are capped.
"""
import email.message
import email.policy
import random
import re
import smtplib
import socket
import threading
import time

DOMAIN = "sms.test"
SENDER = "compta@acme.test"


class Mail:
    def __init__(self, n, seed, rng):
        self.n = n
        self.token = "chaos %d-%d ok" % (seed, n)
        self.msgid = "<chaos-%d-%d@acme.test>" % (seed, n)
        self.mode = "multi" if rng.random() < 0.4 else "single"
        count = rng.randint(2, 6) if self.mode == "multi" else rng.randint(1, 3)
        # 06/07 + 8 digits, unique per email and recipient: n*8 + i stays below 10^8.
        self.national = ["%s%08d" % (rng.choice(("06", "07")), (n * 8 + i) % 10 ** 8)
                         for i in range(count)]
        self.valid = ["33" + x[1:] for x in self.national]
        self.invalid = ["12"] if self.mode == "multi" and rng.random() < 0.3 else []
        self.tries = []
        self.code = None
        self.reply = ""
        self.submission = None
        self.t250 = None

    def message(self):
        msg = email.message.EmailMessage()
        msg["From"] = SENDER
        msg["Subject"] = "chaos %d" % self.n
        msg["Message-ID"] = self.msgid
        if self.mode == "multi":
            msg["To"] = "multi_sms@" + DOMAIN
            msg.set_content(self.token)
            lines = self.national + self.invalid
            msg.add_attachment(("\r\n".join(lines) + "\r\n").encode(), maintype="text",
                               subtype="plain", filename="LISTE.TXT")
        else:
            msg["To"] = ", ".join(self.rcpts())
            msg.set_content(self.token)
        return msg.as_bytes(policy=email.policy.SMTP)

    def rcpts(self):
        if self.mode == "multi":
            return ["multi_sms@" + DOMAIN]
        return ["SMS=%s@%s" % (x, DOMAIN) for x in self.national]


def send_once(port, mail, data, timeout):
    """One SMTP transaction; returns (code, text). Connection trouble -> (0, reason)."""
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as s:
            s.ehlo("mta.acme.test")
            code, text = s.mail(SENDER)
            if code != 250:
                return code, text.decode("utf-8", "replace")
            for r in mail.rcpts():
                code, text = s.rcpt(r)
                if code >= 300:
                    return code, text.decode("utf-8", "replace")
            code, text = s.data(data)
            return code, text.decode("utf-8", "replace")
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, str(e.smtp_error)
    except (smtplib.SMTPException, OSError, socket.timeout) as e:
        return 0, "%s: %s" % (type(e).__name__, e)


def deliver(port, mail, max_tries, retry_s, timeout):
    """Sends mail until 250, 5xx, or the retry budget is spent (MTA-like)."""
    data = mail.message()
    start = time.time()
    for attempt in range(max_tries):
        code, text = send_once(port, mail, data, timeout)
        mail.tries.append((time.time(), code))
        mail.code, mail.reply = code, text
        if code == 250:
            mail.t250 = time.time()
            m = re.search(r"submission (\d+)", text)
            mail.submission = m.group(1) if m else None
            return
        if 500 <= code < 600 or time.time() - start > retry_s:
            return
        time.sleep(min(0.25 * (2 ** attempt), 2.0))


class Load:
    def __init__(self, port, seed, threads=4, rate=20.0, limit=100000, max_tries=40,
                 retry_s=45.0, timeout=20.0, first=0):
        """rate: emails per second in all (paced per thread); limit: at most that many
        emails; first: number of the first email (tokens stay unique across loads)."""
        self.port, self.seed, self.threads = port, seed, threads
        self.interval = threads / float(rate)
        self.limit, self.max_tries, self.retry_s, self.timeout = limit, max_tries, retry_s, timeout
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.mails = []
        self.next_n = first
        self._stop = threading.Event()
        self._threads = []

    def _new_mail(self):
        with self.lock:
            if self._stop.is_set() or len(self.mails) >= self.limit:
                return None
            mail = Mail(self.next_n, self.seed, self.rng)
            self.next_n += 1
            self.mails.append(mail)
            return mail

    def _worker(self):
        while not self._stop.is_set():
            t0 = time.time()
            mail = self._new_mail()
            if mail is None:
                return
            deliver(self.port, mail, self.max_tries, self.retry_s, self.timeout)
            left = self.interval - (time.time() - t0)
            if left > 0:
                self._stop.wait(left)

    def start(self):
        for i in range(self.threads):
            t = threading.Thread(target=self._worker, name="load-%d" % i, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, wait_s=None):
        """Stops taking new emails; waits (bounded) for those in progress to finish."""
        self._stop.set()
        end = time.time() + (wait_s if wait_s is not None else self.retry_s + self.timeout + 5)
        for t in self._threads:
            t.join(max(0.0, end - time.time()))
        return all(not t.is_alive() for t in self._threads)

    def summary(self):
        accepted = [m for m in self.mails if m.code == 250]
        retried = [m for m in self.mails if len(m.tries) > 1]
        return {"emails": len(self.mails), "accepted": len(accepted),
                "retried": len(retried),
                "not_accepted": [(m.msgid, m.code, m.reply) for m in self.mails if m.code != 250],
                "recipients": sum(len(m.valid) for m in accepted)}
