"""The stack's side of supervisord (scripts/stack.sh runs it with supervisord's own Python).

  supervise.py listen STATE_FILE SUPERVISORD_LOG PROGRAMS_FILE
      supervisord event listener (PROCESS_STATE events): keeps STATE_FILE, a JSON object
      {name: {"state", "pid", "restarts", "last_exit", "last_exit_at", "url"}}, up to date,
      written atomically (temp file + rename) so readers (make status, the console) never see
      half of it. PROGRAMS_FILE lists "name<TAB>url" per program (url may be empty).
  supervise.py start SOCKET NAME
      asks supervisord to start NAME without waiting for startsecs (stack.sh waits on health).
  supervise.py state SOCKET NAME
      prints NAME's supervisord state (RUNNING, BACKOFF, EXITED, ...), pid and last exit
      status, or "absent".

Why a listener: supervisord counts no restarts, and the exit reason ("terminated by SIGSEGV")
exists only in its log line "exited: NAME (REASON; not expected)", written before the event
is sent; the listener reads that line when the EXITED or BACKOFF event arrives.
A restart is a start that supervisord made by itself: STARTING after an unexpected exit
(EXITED with expected=0) or after BACKOFF. A start asked for by `make up` is not one.
"""
import datetime
import json
import os
import re
import sys
import xmlrpc.client

from supervisor import childutils
from supervisor.xmlrpc import SupervisorTransport


def proxy(socket):
    transport = SupervisorTransport(None, None, "unix://" + socket)
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)


def last_exit_reason(log_path, name):
    """The REASON of the last "exited: NAME (REASON)" line in supervisord's log."""
    try:
        with open(log_path, "rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 256 * 1024))
            tail = log.read().decode("utf-8", "replace")
    except OSError:
        return None
    pattern = re.compile(r"exited: " + re.escape(name) + r" \((.*)\)\s*$")
    for line in reversed(tail.splitlines()):
        match = pattern.search(line)
        if match:
            reason = match.group(1)
            return re.sub(r"; (not )?expected$", "", reason)
    return None


def read_programs(path):
    programs = {}
    try:
        with open(path, encoding="utf-8") as listing:
            for line in listing:
                name, _, url = line.rstrip("\n").partition("\t")
                if name:
                    programs[name] = url
    except OSError:
        pass
    return programs


def write_atomically(path, state):
    temp = path + ".tmp"
    with open(temp, "w", encoding="utf-8") as out:
        json.dump(state, out, indent=1, sort_keys=True)
        out.write("\n")
    os.replace(temp, path)


def apply_event(state, programs, log_path, event, payload):
    """Updates `state` for one PROCESS_STATE_* event; returns True when it changed."""
    name = payload.get("processname")
    if name not in programs:
        return False  # the listener itself, or a program this stack does not list
    entry = state.setdefault(
        name,
        {"state": None, "pid": None, "restarts": 0, "last_exit": None, "last_exit_at": None},
    )
    entry["url"] = programs[name] or None
    new_state = event.replace("PROCESS_STATE_", "")
    from_state = payload.get("from_state")
    if new_state == "STARTING" and (
        from_state == "BACKOFF" or (from_state == "EXITED" and entry.get("unexpected_exit"))
    ):
        entry["restarts"] += 1
    if new_state in ("EXITED", "BACKOFF"):
        entry["unexpected_exit"] = new_state == "BACKOFF" or payload.get("expected") == "0"
        entry["last_exit"] = last_exit_reason(log_path, name)
        entry["last_exit_at"] = datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    entry["state"] = new_state
    entry["pid"] = int(payload["pid"]) if new_state == "RUNNING" and "pid" in payload else None
    return True


def listen(state_path, log_path, programs_path):
    programs = read_programs(programs_path)
    state = {name: {"state": None, "pid": None, "restarts": 0, "last_exit": None,
                    "last_exit_at": None, "url": url or None} for name, url in programs.items()}
    write_atomically(state_path, state)
    while True:
        headers, body = childutils.listener.wait(sys.stdin, sys.stdout)
        try:
            event = headers.get("eventname", "")
            payload = dict(token.split(":", 1) for token in body.split() if ":" in token)
            if event.startswith("PROCESS_STATE_") and apply_event(
                state, programs, log_path, event, payload
            ):
                write_atomically(state_path, state)
        except Exception as error:  # one odd event must not end the listener
            print("supervise.py: event skipped: %r" % (error,), file=sys.stderr, flush=True)
        childutils.listener.ok(sys.stdout)


def main(argv):
    if len(argv) == 5 and argv[1] == "listen":
        listen(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "start":
        proxy(argv[2]).supervisor.startProcess(argv[3], False)
    elif len(argv) == 4 and argv[1] == "state":
        try:
            info = proxy(argv[2]).supervisor.getProcessInfo(argv[3])
        except xmlrpc.client.Fault:
            print("absent")
            return 0
        print(info["statename"], info["pid"], info["exitstatus"])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
