"""chaos stores: is an LMDB environment of the gateway consistent? (with mdb_stat)

check(env_dir, must_be_empty) -> (facts, problems)
  facts: pages used, data.mdb size, readers, entries of every sub-database;
  problems (list of strings, empty when fine):
    - a reader slot of a process that no longer exists (stale reader: `mdb_stat -r`
      lists it; a stale reader with a transaction open blocks page reuse and the file
      grows without bound). mdb_stat's own slot is ignored;
    - a sub-database of `must_be_empty` (e.g. the router's "jobs", "to_dlr") with
      entries left after the gateway drained;
    - mdb_stat failing on the environment (corrupt or unreadable).
keys(env_dir, db): the keys of a sub-database as text (mdb_dump -p), to tell which
receipts dlr keeps in `early` (received before their RESULT).
Read-only: uses `mdb_stat -e`, `-r`, `-a`, `mdb_dump`, never `mdb_stat -rr` (which
would clear stale slots).
"""
import os
import re
import subprocess


def mdb_stat(args, env_dir):
    p = subprocess.Popen(["mdb_stat"] + args + [env_dir], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    out, _ = p.communicate(timeout=30)
    return p.pid, p.returncode, out


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def readers(env_dir):
    """[(pid, txnid)] of the reader table, without mdb_stat's own slot."""
    own, rc, out = mdb_stat(["-r"], env_dir)
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+[0-9a-fx]+\s+(\S+)\s*$", line)
        if m and int(m.group(1)) != own:
            rows.append((int(m.group(1)), m.group(2)))
    return rc, rows


def entries(env_dir):
    """{sub-database name: entries} (Main DB included)."""
    _, rc, out = mdb_stat(["-a"], env_dir)
    found, name = {}, None
    for line in out.splitlines():
        m = re.match(r"Status of (.+)$", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s*Entries: (\d+)", line)
        if m and name:
            found[name] = int(m.group(1))
    return rc, found


def check(env_dir, must_be_empty=()):
    problems, facts = [], {}
    _, rc, out = mdb_stat(["-e"], env_dir)
    if rc != 0:
        return facts, ["mdb_stat -e %s failed: %s" % (env_dir, out.strip())]
    m = re.search(r"Number of pages used: (\d+)", out)
    facts["pages_used"] = int(m.group(1)) if m else None
    data = os.path.join(env_dir, "data.mdb")
    facts["data_mb"] = round(os.path.getsize(data) / 1048576.0, 2) if os.path.exists(data) else None
    rc, rows = readers(env_dir)
    facts["readers"] = rows
    for pid, txn in rows:
        if not pid_alive(pid):
            problems.append("%s: stale reader pid %d (txn %s)" % (env_dir, pid, txn))
    rc, found = entries(env_dir)
    if rc != 0:
        problems.append("mdb_stat -a %s failed" % env_dir)
    facts["entries"] = found
    for db in must_be_empty:
        if found.get(db, 0) != 0:
            problems.append("%s: sub-database %s has %d entries after the drain"
                            % (env_dir, db, found[db]))
    return facts, problems


def keys(env_dir, db):
    """The keys of one sub-database as text (mdb_dump -p; non-printable bytes become
    NUL separators), e.g. dlr's `early`: operator NUL message-id NUL sequence."""
    out = subprocess.run(["mdb_dump", "-p", "-s", db, env_dir], capture_output=True,
                         text=True, timeout=30).stdout
    lines = out.split("HEADER=END\n", 1)[-1].splitlines()
    found = []
    for line in lines[0::2]:
        if line.startswith(" "):
            found.append(re.sub(r"\\[0-9a-f]{2}", "\0", line[1:]))
    return found
