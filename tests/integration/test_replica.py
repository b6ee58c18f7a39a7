"""Live reload with a real streaming replica on loopback.

A private primary (scripts/pgcluster) and a hot standby made with
pg_basebackup; two servers read content from the standby (multi-host URL,
target_session_attrs=prefer-standby) and LISTEN on the primary. A migrate on
the primary must reach both, with new ETags, within a few seconds; with WAL
replay paused the servers must keep the old content until the standby has
the notified version; with the standby gone, reads fall back to the primary.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (PrivateCluster, Server, app_connections, cause_state, check, copy_content, done,  # noqa: E402
                migrate, psql, publish_and_wait, report, set_cause_summary, wait_all)

# The newest installed server, as scripts/pgcluster picks it.
PGBIN = "/usr/lib/postgresql/%d/bin" % max(int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit())
DB = "replica_live"
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


def allow_replication(primary_dir, admin):
    """initdb's pg_hba allows loopback replication; make sure, since the standby needs it."""
    hba = os.path.join(primary_dir, "data", "pg_hba.conf")
    with open(hba) as f:
        lines = [l.split() for l in f if l.strip() and not l.lstrip().startswith("#")]
    if not any(l[:2] == ["host", "replication"] and l[3] in ("127.0.0.1/32", "all") for l in lines if len(l) > 3):
        with open(hba, "a") as f:
            f.write("host replication all 127.0.0.1/32 trust\n")
        psql(admin, "SELECT pg_reload_conf()")


def standby_of(primary, replica_dir):
    """A hot standby of primary in replica_dir, made with pg_basebackup (-R: it streams from primary);
    not started: entering it as a PrivateCluster starts it on a free port."""
    os.makedirs(replica_dir)
    chown_postgres(replica_dir)
    as_postgres(os.path.join(PGBIN, "pg_basebackup"), "-D", os.path.join(replica_dir, "data"), "-R", "-X", "stream",
                "-c", "fast", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres")
    return PrivateCluster(folder=replica_dir)


def wait_replayed(replica_url, version, limit_s=10):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if psql(replica_url, "SELECT max(version) FROM content_versions") == str(version):
            return True
        time.sleep(0.02)
    return False


# -------------------------------------------------------------- the checks

def check_topology(primary, replica):
    check(psql(replica.url(DB), "SELECT pg_is_in_recovery()") == "t", "the replica is a standby")
    state = psql(primary.url(), "SELECT string_agg(state, ',') FROM pg_stat_replication")
    check(state == "streaming", "pg_stat_replication on the primary: %r" % state)
    in_db = "datname = '%s'" % DB
    on_replica, on_primary = app_connections(replica.url(DB), in_db), app_connections(primary.url(DB), in_db)
    listening = app_connections(primary.url(DB), "query = 'LISTEN healthhub_content'")
    print("healthhub connections: %s on the replica (content reads), %s on the primary (%s LISTENing)"
          % (on_replica, on_primary, listening))
    check(on_replica >= 2, "each server reads from the replica: %s connections there" % on_replica)
    check(listening == 2, "each server LISTENs on the primary: %s LISTEN connections" % listening)


def check_propagation(servers, primary_url, d):
    times = [[], []]
    for i in range(5):
        summary = "Replica change %d at %.6f." % (i, time.time())
        old = [cause_state(s)[1] for s in servers]
        got = publish_and_wait(servers, primary_url, d, summary, old, 10.0)
        for k, t in enumerate(got):
            if check(t is not None, "server %d did not serve replica change %d within 10 s" % (k, i)):
                check(t < LIMIT_S, "server %d served replica change %d after %.2f s" % (k, i, t))
                times[k].append(t)
    for k in range(2):
        if times[k]:
            report("replica propagation, instance %d, migrate on primary -> new ETag served" % k, times[k])


def check_waits_for_replay(servers, primary, replica, d):
    """A notification ahead of the standby must not swap in anything until it catches up."""
    replica_url = replica.url(DB)
    before = [cause_state(s) for s in servers]
    psql(replica_url, "SELECT pg_wal_replay_pause()")
    try:
        summary = "Written while the standby's replay was paused."
        set_cause_summary(d, summary)
        migrate(primary.url(DB), content=d)
        version = psql(primary.url(DB), "SELECT max(version) FROM content_versions")
        time.sleep(1.0)
        check(psql(replica_url, "SELECT max(version) FROM content_versions") != version,
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


def check_standby_gone(servers, primary, replica, d):
    """prefer-standby falls back to the primary when the standby stops."""
    replica.stop()
    old = [cause_state(s)[1] for s in servers]
    got = publish_and_wait(servers, primary.url(DB), d, "Written with the standby stopped.", old, 15.0)
    for k, t in enumerate(got):
        if check(t is not None, "server %d did not serve the change with the standby stopped" % k):
            print("standby stopped: instance %d served the change from the primary %.0f ms after migrate"
                  % (k, t * 1000))
            check(t < 5.0, "server %d took %.2f s to fall back to the primary" % (k, t))


def main():
    tmp = tempfile.mkdtemp(prefix="hh-replica-")
    os.chmod(tmp, 0o755)  # the clusters below it belong to postgres
    d = copy_content()
    try:
        with PrivateCluster(folder=os.path.join(tmp, "primary")) as primary:
            allow_replication(primary.dir, primary.url())
            psql(primary.url(), "CREATE DATABASE %s" % DB)
            migrate(primary.url(DB))
            with standby_of(primary, os.path.join(tmp, "replica")) as replica:
                check(wait_replayed(replica.url(DB), psql(primary.url(DB), "SELECT max(version) FROM content_versions")),
                      "the standby has the first content")
                run_servers(primary, replica, d)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(d, ignore_errors=True)


def run_servers(primary, replica, d):
    """Two servers reading from the standby (falling back to the primary) through every check."""
    multi = "postgresql://postgres@127.0.0.1:%d,127.0.0.1:%d/%s?connect_timeout=5" \
            "&target_session_attrs=prefer-standby" % (replica.port, primary.port, DB)
    with Server(multi) as a, Server(multi) as b:
        servers = [a, b]
        check_topology(primary, replica)
        check_propagation(servers, primary.url(DB), d)
        check_waits_for_replay(servers, primary, replica, d)
        check_standby_gone(servers, primary, replica, d)


if __name__ == "__main__":
    main()
    done()
