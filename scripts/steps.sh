# steps.sh - sourced by scripts/setup, run and test: one line per long step,
# saying what it does and how long it took; a step's own output goes to a log
# whose path is printed when the step fails.
#
#   step "building" LOG command args...

HH_LOG_DIR=${HH_LOG_DIR:-$(pwd)/.run/logs}
mkdir -p "$HH_LOG_DIR"

step() {
  local what=$1 log=$2 t0=$SECONDS
  shift 2
  printf '%s: %s ...\n' "${HH_STEP_PREFIX:-setup}" "$what" >&2
  printf '=== %s %s\n' "$(date -u +%FT%TZ)" "$what" >>"$log"
  if "$@" >>"$log" 2>&1; then
    printf '%s: %s: done in %d s\n' "${HH_STEP_PREFIX:-setup}" "$what" $((SECONDS - t0)) >&2
  else
    local rc=$?
    echo "--- last lines of $log:" >&2
    tail -n 25 "$log" >&2
    printf '%s: %s: FAILED after %d s (exit %d); the whole output is in %s\n' \
      "${HH_STEP_PREFIX:-setup}" "$what" $((SECONDS - t0)) "$rc" "$log" >&2
    return "$rc"
  fi
}
