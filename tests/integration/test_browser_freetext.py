"""The interview demo's free-text first screen in a real browser (examples/interview, ?freetext=1).

examples/ is served on its own origin and driven in Debian's headless Chromium by
tests/js/browser-freetext.mjs against the real server: the words are read by
POST /v1/triage/parse, what was read is shown to confirm (a hedged red flag must be answered
yes, no or "I don't know"), then the interview asks only what is left.

Needs /usr/bin/chromium (Debian package chromium) and Node.js with npm.
"""
import os
import subprocess
import sys

import hh
from test_browser_cors import JS_DIR, node_ready, static_server


def main():
    url = hh.migrated_database("test_browser_freetext")
    with static_server(os.path.join(hh.SRC, "examples")) as page, hh.Server(url, "--access-log=0") as api:
        problem = node_ready()
        if hh.check(problem is None, "browser test cannot run: %s" % problem):
            argv = ["node", os.path.join(JS_DIR, "browser-freetext.mjs"), "--page", page + "/interview/index.html",
                    "--api", "http://127.0.0.1:%d" % api.port]
            try:
                r = subprocess.run(argv, capture_output=True, text=True, timeout=240)
                print(r.stdout, end="")
                print(r.stderr, end="", file=sys.stderr)
                hh.check(r.returncode == 0, "browser-freetext.mjs exited %d (see its output above)" % r.returncode)
            except subprocess.TimeoutExpired as e:
                hh.check(False, "browser-freetext.mjs timed out:\n%s" % (e.stdout or ""))
    hh.done()


if __name__ == "__main__":
    main()
