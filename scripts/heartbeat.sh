# Sourced by the tool-building scripts: says what is being built and how
# long it takes, then prints a line every 30 s while it runs, so a first
# run never looks stuck.
heartbeat_start() {
  echo "==> $1"
  _hb_start=$(date +%s)
  (
    while sleep 30; do
      echo "    ... still building ($(( $(date +%s) - _hb_start ))s so far)"
    done
  ) &
  _hb_pid=$!
  trap heartbeat_stop EXIT
}

heartbeat_stop() {
  if [ -n "${_hb_pid:-}" ]; then
    kill "$_hb_pid" 2>/dev/null || true
    wait "$_hb_pid" 2>/dev/null || true
    echo "    done in $(( $(date +%s) - _hb_start ))s"
    _hb_pid=
  fi
}
