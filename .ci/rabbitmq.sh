#!/usr/bin/env bash
# A throwaway RabbitMQ (Debian's rabbitmq-server) for the tests that need a broker, on loopback, with
# its data, logs and ports of its own, so it never touches a RabbitMQ the machine already runs.
#
#   eval "$(.ci/rabbitmq.sh start)"     # prints the exports: ORDO_TEST_RABBITMQ_URL, ORDO_RABBITMQ_DIR
#   npx vitest run connectors/publish
#   .ci/rabbitmq.sh stop                # the broker, its epmd and its temp dir
#
# Without ORDO_TEST_RABBITMQ_URL the broker tests are reported skipped. `start` exits 1 (saying why on
# stderr, printing no exports) when the broker cannot be started; install it with
# `sudo apt-get install rabbitmq-server` (the CI script does). Needs root or sudo: Debian's scripts
# run the broker as the `rabbitmq` user (under `su`, in a session of its own), so it is stopped by the
# pid file it writes, and the epmd it leaves behind by its own port.
set -euo pipefail

# -n: fail rather than wait for a password in the background (run `sudo -v` first if sudo asks for one).
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
say() { echo "== rabbitmq: $*" >&2; }
# Running and not a zombie. Read from /proc: the broker runs as rabbitmq and its launcher as root, which
# `kill -0` cannot probe from another user.
alive() { [ -n "$1" ] && [ -e "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

# The environment every rabbitmq-* command of this broker runs with (rabbitmqctl finds the node by it).
broker_env() {
  local dir=$1
  # shellcheck disable=SC1091
  . "$dir/state/ports"
  echo RABBITMQ_NODENAME="ordo-ci-$NODE_PORT@localhost" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$NODE_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" \
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$EPMD_PORT" \
    RABBITMQ_MNESIA_BASE="$dir/rabbit/mnesia" RABBITMQ_LOG_BASE="$dir/rabbit/log" RABBITMQ_PID_FILE="$dir/rabbit/rabbit.pid" \
    RABBITMQ_CONFIG_FILE="$dir/rabbit/rabbitmq.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/rabbit/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/rabbit/enabled_plugins" RABBITMQ_CONF_ENV_FILE="$dir/rabbit/rabbitmq-env.conf"
}

start() {
  command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || { say "rabbitmq-server is not installed"; exit 1; }
  export PATH="$PATH:/usr/sbin"
  local dir
  # Under /tmp, not $TMPDIR: the rabbitmq user must reach it.
  dir=$(mktemp -d /tmp/ordo-rabbitmq.XXXXXX)
  chmod 755 "$dir"
  mkdir -p "$dir/state" "$dir/rabbit/mnesia" "$dir/rabbit/log"
  {
    echo "NODE_PORT=$(free_port)"
    echo "DIST_PORT=$(free_port)"
    echo "EPMD_PORT=$(free_port)"
  } > "$dir/state/ports"
  # Loopback only, no plugins; the guest user may log in from loopback, which is all the tests need.
  echo 'loopback_users.guest = true' > "$dir/rabbit/rabbitmq.conf"
  # Erlang distribution (rabbitmqctl's way in) on loopback too.
  echo '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].' > "$dir/rabbit/advanced.config"
  echo '[].' > "$dir/rabbit/enabled_plugins"
  : > "$dir/rabbit/rabbitmq-env.conf"
  $SUDO chown -R rabbitmq "$dir/rabbit"
  # Interrupted while starting: leave nothing behind.
  trap 'ORDO_RABBITMQ_DIR=$dir stop >&2; exit 130' INT TERM

  local env
  env=$(broker_env "$dir")
  say "starting in $dir ($env)"
  # shellcheck disable=SC2086
  $SUDO env $env rabbitmq-server > "$dir/state/server.log" 2>&1 &
  echo $! > "$dir/state/launcher.pid"

  . "$dir/state/ports"
  local waited=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$NODE_PORT") 2>/dev/null; do
    if ! alive "$(cat "$dir/state/launcher.pid")"; then
      say "rabbitmq-server exited while starting:"; tail -n 20 "$dir/state/server.log" >&2
      ORDO_RABBITMQ_DIR=$dir stop >&2 || true
      exit 1
    fi
    if [ "$waited" -ge 60 ]; then
      say "not listening on 127.0.0.1:$NODE_PORT after 60 s:"; tail -n 20 "$dir/state/server.log" >&2
      ORDO_RABBITMQ_DIR=$dir stop >&2 || true
      exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  # shellcheck disable=SC2086
  if ! $SUDO env $env timeout 60 rabbitmqctl --timeout 60 await_startup >/dev/null 2>&1; then
    say "listening, but rabbitmqctl await_startup failed"
    ORDO_RABBITMQ_DIR=$dir stop >&2 || true
    exit 1
  fi
  trap - INT TERM
  say "ready on 127.0.0.1:$NODE_PORT after ${waited} s"
  echo "export ORDO_RABBITMQ_DIR='$dir'"
  echo "export ORDO_TEST_RABBITMQ_URL='amqp://guest:guest@127.0.0.1:$NODE_PORT/'"
}

stop() {
  local dir=${1:-${ORDO_RABBITMQ_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/state" ] || { say "nothing to stop (ORDO_RABBITMQ_DIR is not a broker's directory)"; return 0; }
  export PATH="$PATH:/usr/sbin"
  local env pid=""
  env=$(broker_env "$dir")
  . "$dir/state/ports"
  pid=$($SUDO cat "$dir/rabbit/rabbit.pid" 2>/dev/null || true)
  # shellcheck disable=SC2086
  if alive "$pid"; then
    $SUDO env $env timeout 30 rabbitmqctl shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do alive "$pid" || break; sleep 1; done
    if alive "$pid"; then say "still running after rabbitmqctl shutdown: killing $pid"; $SUDO kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  # The launcher (sudo/su) ends with the broker; a broker that never wrote its pid file goes with it.
  local launcher
  launcher=$(cat "$dir/state/launcher.pid" 2>/dev/null || true)
  if alive "$launcher"; then
    for _ in $(seq 1 10); do alive "$launcher" || break; sleep 1; done
    if alive "$launcher"; then $SUDO kill -TERM "$launcher" 2>/dev/null || true; fi
  fi
  # The broker started an epmd on a port of its own: ask that one to go.
  ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
  $SUDO rm -rf "$dir"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [dir]" >&2; exit 2 ;;
esac
