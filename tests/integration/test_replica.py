"""Live reload with a real streaming replica on loopback.

A private primary (scripts/pgcluster) and a hot standby made with
pg_basebackup; two servers read content from the standby (multi-host URL,
target_session_attrs=prefer-standby) and LISTEN on the primary. A migrate on
the primary must reach both, with new ETags, within a few seconds; with WAL
replay paused the servers must keep the old content until the standby has
the notified version; with the standby gone, reads fall back to the primary.
"""
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import SRC, Server, check, copy_content, done, migrate, psql  # noqa: E402

PGCLUSTER = os.path.join(SRC, "scripts", "pgcluster")
# The newest installed server, as scripts/pgcluster picks it.
PGBIN = "/usr/lib/postgresql/%d/bin" % max(int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit())
DB = "replica_live"
CAUSE = "poor-posture"
LIMIT_S = 3.0


def as_postgres(*argv):
    """Runs a PostgreSQL tool as its owner (we may be root); raises with its output on failure."""
    if os.getuid() == 0:
        argv = ("runuser", "-u", "postgres", "--") + argv
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (" ".join(argv), r.returncode, r.stdout, r.stderr))
    return r.stdout


def chown_postgres(path):
    if os.getuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def free_port():
    """A port below the kernel's ephemeral range (32768-60999), which busy
    client connections use up: a port that passed a check there can still be
    taken before the postmaster binds it."""
    while True:
        port = random.randrange(20000, 32000)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()


def retry(what, fn, attempts=4):
    """fn() until it does not raise: another cluster may take the port we picked."""
    for i in range(attempts):
        try:
            return fn()
        except AssertionError as e:
            if i == attempts - 1:
                raise
            print("%s failed, retrying on another port: %s" % (what, str(e).splitlines()[-1]), file=sys.stderr)


def allow_replication(primary_dir, admin):
    """initdb's pg_hba allows loopback replication; make sure, since the standby needs it."""
    hba = os.path.join(primary_dir, "data", "pg_hba.conf")
    with open(hba) as f:
        lines = [l.split() for l in f if l.strip() and not l.lstrip().startswith("#")]
    if not any(l[:2] == ["host", "replication"] and l[3] in ("127.0.0.1/32", "all") for l in lines if len(l) > 3):
        with open(hba, "a") as f:
            f.write("host replication all 127.0.0.1/32 trust\n")
        psql(admin, "SELECT pg_reload_conf()")


def start_replica(primary_port, replica_dir):
    """pg_basebackup + pg_ctl start on a free port; returns (port, socket dir)."""
    os.makedirs(replica_dir)
    chown_postgres(replica_dir)
    data = os.path.join(replica_dir, "data")
    as_postgres(os.path.join(PGBIN, "pg_basebackup"), "-D", data, "-R", "-X", "stream", "-c", "fast",
                "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres")
    sock = tempfile.mkdtemp(prefix="hh-pg-replica.")
    chown_postgres(sock)
    log = os.path.join(replica_dir, "server.log")

    def start():
        port = free_port()
        try:
            as_postgres(os.path.join(PGBIN, "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60", "-o",
                        "-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c hot_standby=on"
                        " -c max_connections=200 -c max_wal_senders=5" % (port, sock),
                        "start")
        except AssertionError as e:
            with open(log) as f:
                raise AssertionError("%s\n%s" % (e, "".join(f.readlines()[-12:])))
        return port
    return retry("starting the replica", start), sock


def pgcluster_start(d, port=None):
    """scripts/pgcluster start on port (default: a free one); returns the admin URL."""
    r = subprocess.run([PGCLUSTER, "start", d, str(port or free_port())], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("pgcluster start failed:\n" + r.stderr)
    return r.stdout.strip()


def stop_replica(replica_dir):
    data = os.path.join(replica_dir, "data")
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        as_postgres(os.path.join(PGBIN, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")


def url_at(port, db=DB, extra=""):
    return "postgresql://postgres@127.0.0.1:%d/%s?connect_timeout=5%s" % (port, db, extra)


def cause_state(server):
    st, h, b = server.get("/v1/causes/" + CAUSE)
    return st, h.get("etag"), json.loads(b).get("summary") if st == 200 else None


def set_cause_summary(folder, text):
    path = os.path.join(folder, "causes", CAUSE + ".json")
    with open(path) as f:
        doc = json.load(f)
    doc["summary"] = text
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def wait_served(server, summary, old_etag, t0, limit_s, out, key):
    """Polls every 10 ms until summary is served under a new ETag; out[key] = seconds since t0 or None."""
    while time.monotonic() < t0 + limit_s:
        try:
            st, etag, got = cause_state(server)
        except OSError:
            st, etag, got = None, None, None
        if st == 200 and got == summary and etag != old_etag:
            out[key] = time.monotonic() - t0
            return
        time.sleep(0.01)
    out[key] = None


def wait_all(servers, summary, old_etags, t0, limit_s):
    out = {}
    threads = [threading.Thread(target=wait_served, args=(s, summary, old_etags[i], t0, limit_s, out, i))
               for i, s in enumerate(servers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [out.get(i) for i in range(len(servers))]


def wait_replayed(replica_url, version, limit_s=10):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if psql(replica_url, "SELECT version FROM content_state") == str(version):
            return True
        time.sleep(0.02)
    return False


def healthhub_conns(url):
    return psql(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'healthhub'"
                     " AND datname = '%s'" % DB)


# -------------------------------------------------------------- the checks

def check_topology(primary, replica):
    check(psql(url_at(replica), "SELECT pg_is_in_recovery()") == "t", "the replica is a standby")
    state = psql(url_at(primary, "postgres"), "SELECT string_agg(state, ',') FROM pg_stat_replication")
    check(state == "streaming", "pg_stat_replication on the primary: %r" % state)
    on_replica, on_primary = healthhub_conns(url_at(replica)), healthhub_conns(url_at(primary))
    listening = psql(url_at(primary), "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'healthhub'"
                                      " AND query = 'LISTEN healthhub_content'")
    print("healthhub connections: %s on the replica (content reads), %s on the primary (%s LISTENing)"
          % (on_replica, on_primary, listening))
    check(int(on_replica) >= 2, "each server reads from the replica: %s connections there" % on_replica)
    check(int(listening) == 2, "each server LISTENs on the primary: %s LISTEN connections" % listening)


def check_propagation(servers, primary_url, d):
    times = [[], []]
    for i in range(5):
        summary = "Replica change %d at %.6f." % (i, time.time())
        set_cause_summary(d, summary)
        old = [cause_state(s)[1] for s in servers]
        migrate(primary_url, content=d)
        t0 = time.monotonic()
        got = wait_all(servers, summary, old, t0, 10.0)
        for k, t in enumerate(got):
            if check(t is not None, "server %d did not serve replica change %d within 10 s" % (k, i)):
                check(t < LIMIT_S, "server %d served replica change %d after %.2f s" % (k, i, t))
                times[k].append(t * 1000)
    for k in range(2):
        if times[k]:
            ms = sorted(times[k])
            print("replica propagation, instance %d, migrate on primary -> new ETag served: "
                  "min %.1f ms, median %.1f ms, max %.1f ms (n=%d)"
                  % (k, ms[0], statistics.median(ms), ms[-1], len(ms)))


def check_waits_for_replay(servers, primary, replica, d):
    """A notification ahead of the standby must not swap in anything until it catches up."""
    replica_url = url_at(replica)
    before = [cause_state(s) for s in servers]
    psql(replica_url, "SELECT pg_wal_replay_pause()")
    try:
        summary = "Written while the standby's replay was paused."
        set_cause_summary(d, summary)
        migrate(url_at(primary), content=d)
        version = psql(url_at(primary), "SELECT version FROM content_state")
        time.sleep(1.0)
        check(psql(replica_url, "SELECT version FROM content_state") != version,
              "replay pause did not hold the standby back")
        for k, s in enumerate(servers):
            check(cause_state(s) == before[k], "server %d changed content while the standby lagged" % k)
    finally:
        psql(replica_url, "SELECT pg_wal_replay_resume()")
    t0 = time.monotonic()
    got = wait_all(servers, summary, [b[1] for b in before], t0, 10.0)
    check(wait_replayed(replica_url, version), "the standby did not replay version %s" % version)
    for k, t in enumerate(got):
        if check(t is not None, "server %d did not serve the change after replay resumed" % k):
            print("replay paused 1 s: instance %d served the change %.1f ms after resume" % (k, t * 1000))
            check(t < LIMIT_S, "server %d took %.2f s after replay resumed" % (k, t))


def check_standby_gone(servers, primary, replica_dir, d):
    """prefer-standby falls back to the primary when the standby stops."""
    stop_replica(replica_dir)
    summary = "Written with the standby stopped."
    set_cause_summary(d, summary)
    old = [cause_state(s)[1] for s in servers]
    migrate(url_at(primary), content=d)
    t0 = time.monotonic()
    got = wait_all(servers, summary, old, t0, 15.0)
    for k, t in enumerate(got):
        if check(t is not None, "server %d did not serve the change with the standby stopped" % k):
            print("standby stopped: instance %d served the change from the primary %.0f ms after migrate"
                  % (k, t * 1000))
            check(t < 5.0, "server %d took %.2f s to fall back to the primary" % (k, t))


def main():
    tmp = tempfile.mkdtemp(prefix="hh-replica-")
    os.chmod(tmp, 0o755)  # the clusters below it belong to postgres
    primary_dir, replica_dir = os.path.join(tmp, "primary"), os.path.join(tmp, "replica")
    d = copy_content()
    servers, sock = [], None
    try:
        admin = retry("starting the primary", lambda: pgcluster_start(primary_dir))
        with open(os.path.join(primary_dir, "port")) as f:
            primary = int(f.read().strip())
        allow_replication(primary_dir, admin)
        psql(admin, "CREATE DATABASE %s" % DB)
        migrate(url_at(primary))
        replica, sock = start_replica(primary, replica_dir)
        check(wait_replayed(url_at(replica), psql(url_at(primary), "SELECT version FROM content_state")),
              "the standby has the first content")

        multi = "postgresql://postgres@127.0.0.1:%d,127.0.0.1:%d/%s?connect_timeout=5" \
                "&target_session_attrs=prefer-standby" % (replica, primary, DB)
        for _ in range(2):
            servers.append(Server(multi).start())
        check_topology(primary, replica)
        check_propagation(servers, url_at(primary), d)
        check_waits_for_replay(servers, primary, replica, d)
        check_standby_gone(servers, primary, replica_dir, d)
        for s in servers:
            s.stop()
        servers = []
    finally:
        for s in servers:
            s.stop(expect_code=None)
        try:
            stop_replica(replica_dir)
        except AssertionError as e:
            print("stopping the replica: %s" % e, file=sys.stderr)
        subprocess.run([PGCLUSTER, "stop", primary_dir], capture_output=True)
        if sock:
            shutil.rmtree(sock, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
    done()
