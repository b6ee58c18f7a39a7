"""The reloader against a PostgreSQL that stops answering while it (re)subscribes.

The reloader's LISTEN connection must be renewed after every loss. If the
primary is paused (SIGSTOP: TCP still accepts, nothing answers) while the
reloader connects or LISTENs, it must give up within its connection's
deadline (statement timeout + 1 s; connecting: at most that), keep retrying,
keep the cached content answering, and pick up a content change within a
few seconds of SIGCONT.

Two ways into the window, on a private cluster with a short statement timeout:
  * deterministic: pause every postgres process, then SIGKILL the reloader's
    LISTEN backend: the reloader sees its subscription drop and must
    reconnect to a postmaster that accepts TCP but never answers;
  * racing: pg_terminate_backend() the LISTEN backend and pause at once,
    landing in the reconnect, the LISTEN or the next version check.
Measured figures are printed with a "measured:" prefix.
"""
import calendar
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hh import (PrivateCluster, Server, cause_state, check, copy_content, done, migrate, poll, psql,  # noqa: E402
                publish_and_wait, timed)

ARTICLE = "/v1/articles/upper-middle-back-muscle-soreness"
STATEMENT_TIMEOUT_S = 0.5
FLAGS = ["--statement-timeout-ms", "500", "--reload-interval-ms", "200"]
DEADLINE_S = STATEMENT_TIMEOUT_S + 1.0  # db.c: client deadline = statement timeout + 1 s grace
MARGIN_S = 1.0                          # scheduling on a shared 2-core machine, the log pipe
BACKOFF_MAX_S = 2.0                     # reload.c: BACKOFF_MAX_MS
PAUSE_S = 6.0
# What the reloader logs when a round trip gives up, and the phase it names.
GIVE_UPS = {"database unavailable": "connect", "subscribing to content notifications failed": "LISTEN",
            "content version check failed": "version check", "content reload failed; serving the last good content":
            "content load"}


def measured(what, value):
    print("measured: %s: %s" % (what, value), flush=True)


def records(server, start):
    """(wall time, record) of the server's JSON log lines from index start on."""
    out = []
    for line in list(server.lines[start:]):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        ts = rec.get("ts", "")
        try:
            t = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + float("0" + ts[19:-1])
        except ValueError:
            continue
        out.append((t, rec))
    return out


def give_ups(server, start):
    """(wall time, phase, error) of each reloader give-up logged from index start on."""
    return [(t, GIVE_UPS[r["msg"]], r.get("error", "")) for t, r in records(server, start) if r.get("msg") in GIVE_UPS]


def silent(pid):
    """Stopped (T), or exited and not yet reaped by the stopped postmaster (Z): either answers nothing."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("T", "Z")
    except OSError:
        return True


def listen_backend(url):
    """PID of the server's LISTEN backend, or None."""
    out = psql(url, "SELECT pid FROM pg_stat_activity WHERE application_name = 'healthhub'"
                    " AND query LIKE 'LISTEN%' ORDER BY backend_start DESC LIMIT 1")
    return int(out) if out.strip() else None


class CachedWatch:
    """GETs a cached article every 100 ms in the background; records the worst status and time."""

    def __init__(self, server):
        self.server, self.results, self._stop = server, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            st, secs, _, _ = timed(self.server, "GET", ARTICLE, timeout=5)
            self.results.append((st, secs))
            time.sleep(0.1)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.results


def check_cached(watch, what):
    res = watch.stop()
    bad = [(st, round(s, 3)) for st, s in res if st != 200 or s > 0.5]
    check(len(res) > 10 and not bad, "%s: every cached GET is a 200 within 0.5 s (%d made): %r" % (what, len(res), bad))
    if res:
        measured("%s: cached GETs" % what, "%d, slowest %.3f s" % (len(res), max(s for _, s in res)))


def check_gave_up(server, mark, t_pause, t_resume, what):
    """While paused: a first give-up within the deadline, every later one (and the resume) within deadline + backoff."""
    ups = [u for u in give_ups(server, mark) if t_pause - 0.05 <= u[0] <= t_resume]
    check(ups, "%s: the reloader gave up at least once while PostgreSQL was paused:\n%s" %
          (what, "\n".join(server.lines[mark:][-20:])))
    if not ups:
        return
    first = ups[0][0] - t_pause
    # the reloader may be mid-round trip when the pause lands: that one ends within its deadline too
    bound = DEADLINE_S + MARGIN_S
    check(first <= bound, "%s: first give-up %.2f s after the pause, bound %.1f s (%s: %s)" %
          (what, first, bound, ups[0][1], ups[0][2]))
    # a reloader hung in a round trip would leave a long gap, at the end if nowhere else
    gaps = [b[0] - a[0] for a, b in zip(ups, ups[1:])] + [t_resume - ups[-1][0]]
    worst = max(gaps)
    check(len(ups) >= 2, "%s: the reloader kept retrying: %d give-ups in %.0f s" % (what, len(ups), PAUSE_S))
    check(worst <= DEADLINE_S + BACKOFF_MAX_S + MARGIN_S,
          "%s: the reloader retried without hanging: worst gap between give-ups %.2f s" % (what, worst))
    timeouts = [u for u in ups if "no answer from the database" in u[2]]
    check(timeouts, "%s: a give-up was the client-side deadline (no answer from the database): %r" % (what, ups))
    measured("%s: first give-up after the pause" % what, "%.2f s (%s: %s)" % (first, ups[0][1], ups[0][2]))
    measured("%s: give-ups while paused (phase: count)" % what,
             {p: sum(1 for u in ups if u[1] == p) for p in set(u[1] for u in ups)})
    measured("%s: worst gap between give-ups" % what, "%.2f s" % worst)


def recover(cluster, server, folder, summary, what):
    """After SIGCONT: the database answers again, then a migrated change is served within a few seconds."""
    t_resume = time.monotonic()
    up = poll(lambda: psql(cluster.url(), "SELECT 1", check=False) == "1", 30, step=0.1)
    check(up is not None, "%s: PostgreSQL answers after SIGCONT" % what)
    old = cause_state(server)[1]
    t = publish_and_wait([server], cluster.url(), folder, summary, [old], 10.0)[0]
    check(t is not None and t <= 5.0, "%s: a change migrated after SIGCONT is served within 5 s: %r" % (what, t))
    if t is not None:
        measured("%s: change served after migrate returned" % what, "%.2f s" % t)
        measured("%s: change served after SIGCONT" % what, "%.2f s" % (time.monotonic() - t_resume))


def paused_window(cluster, server, what, pause_then):
    """Pauses the cluster via pause_then(), watches the reloader for PAUSE_S, resumes."""
    mark = len(server.lines)
    watch = CachedWatch(server)
    t_pause = time.time()
    try:
        pids = pause_then()
        check(poll(lambda: all(silent(p) for p in pids), 2.0) is not None,
              "%s: every postgres process is stopped" % what)
        time.sleep(PAUSE_S)
    finally:
        t_resume = time.time()
        cluster.resume()
    check_cached(watch, what)
    check_gave_up(server, mark, t_pause, t_resume, what)


def test_killed_while_paused(cluster, server, folder):
    """Deterministic: the subscription drops while everything is paused; the reconnect meets silence."""
    pid = listen_backend(cluster.url())
    check(pid is not None, "the server holds a LISTEN connection")

    def pause_then():
        pids = cluster.pause()
        os.kill(pid, signal.SIGKILL)  # its socket closes at once; the postmaster cannot react while stopped
        return pids

    what = "LISTEN connection lost while paused"
    paused_window(cluster, server, what, pause_then)
    recover(cluster, server, folder, "Changed after a paused resubscribe.", what)


def test_terminated_then_paused(cluster, server, folder, round_no):
    """Racing: the reloader resubscribes while the pause lands (connect, LISTEN or the next check)."""
    poll(lambda: listen_backend(cluster.url()) is not None, 10, step=0.1)
    pid = listen_backend(cluster.url())
    check(pid is not None, "the server holds a LISTEN connection")

    def pause_then():
        subprocess.run(["psql", "-X", "-q", "-At", cluster.url(), "-c", "SELECT pg_terminate_backend(%d)" % pid],
                       capture_output=True, timeout=10)
        return cluster.pause()

    what = "LISTEN backend terminated, then paused (round %d)" % round_no
    paused_window(cluster, server, what, pause_then)
    recover(cluster, server, folder, "Changed after resubscribe race %d." % round_no, what)


def main():
    folder = copy_content()
    try:
        with PrivateCluster(prefix="hh-stall-pg-") as cluster:
            migrate(cluster.url())
            with Server(cluster.url(), *FLAGS) as server:
                check(server.get(ARTICLE)[0] == 200, "serves the article before any fault")
                print("== test_killed_while_paused", flush=True)
                test_killed_while_paused(cluster, server, folder)
                for i in range(1, 3):
                    print("== test_terminated_then_paused %d" % i, flush=True)
                    test_terminated_then_paused(cluster, server, folder, i)
                st, _, _, _ = timed(server, "GET", "/healthz")
                check(st == 200, "/healthz 200 at the end, got %d" % st)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
