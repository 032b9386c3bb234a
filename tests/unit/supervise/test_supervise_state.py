"""supervise.py turns supervisord's PROCESS_STATE events and log lines into restarts and reasons."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "lib"))
import supervise  # noqa: E402


class SuperviseState(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.log = os.path.join(self.dir.name, "supervisord.log")
        self.programs = {"consumer-auto": "http://127.0.0.1:8092", "producer": ""}
        self.state = {}

    def tearDown(self):
        self.dir.cleanup()

    def logged(self, line):
        with open(self.log, "a", encoding="utf-8") as log:
            log.write("2026-12-06 21:47:12,295 WARN " + line + "\n")

    def event(self, name, new_state, **payload):
        payload.setdefault("processname", name)
        return supervise.apply_event(
            self.state, self.programs, self.log, "PROCESS_STATE_" + new_state, payload
        )

    def test_a_crash_supervisord_restarts_counts_once_with_its_signal(self):
        self.event("consumer-auto", "STARTING", from_state="STOPPED")
        self.event("consumer-auto", "RUNNING", from_state="STARTING", pid="41")
        self.logged("exited: consumer-auto (terminated by SIGSEGV; not expected)")
        self.event("consumer-auto", "EXITED", from_state="RUNNING", expected="0", pid="41")
        self.event("consumer-auto", "STARTING", from_state="EXITED")
        self.event("consumer-auto", "RUNNING", from_state="STARTING", pid="42")
        entry = self.state["consumer-auto"]
        self.assertEqual(entry["restarts"], 1)
        self.assertEqual(entry["last_exit"], "terminated by SIGSEGV")
        self.assertEqual(entry["pid"], 42)
        self.assertEqual(entry["url"], "http://127.0.0.1:8092")

    def test_failed_starts_count_each_retry(self):
        self.event("consumer-auto", "STARTING", from_state="STOPPED")
        for _ in range(2):
            self.logged("exited: consumer-auto (exit status 2; not expected)")
            self.event("consumer-auto", "BACKOFF", from_state="STARTING")
            self.event("consumer-auto", "STARTING", from_state="BACKOFF")
        self.assertEqual(self.state["consumer-auto"]["restarts"], 2)
        self.assertEqual(self.state["consumer-auto"]["last_exit"], "exit status 2")

    def test_a_clean_exit_then_a_start_by_make_up_is_no_restart(self):
        self.event("producer", "STARTING", from_state="STOPPED")
        self.event("producer", "RUNNING", from_state="STARTING", pid="7")
        self.logged("exited: producer (exit status 0; expected)")
        self.event("producer", "EXITED", from_state="RUNNING", expected="1", pid="7")
        self.event("producer", "STARTING", from_state="EXITED")
        self.assertEqual(self.state["producer"]["restarts"], 0)
        self.assertEqual(self.state["producer"]["last_exit"], "exit status 0")

    def test_the_reason_is_the_programs_own_latest_line(self):
        self.logged("exited: consumer-auto (terminated by SIGKILL; not expected)")
        self.logged("exited: producer (exit status 3; not expected)")
        self.event("consumer-auto", "EXITED", from_state="RUNNING", expected="0")
        self.assertEqual(self.state["consumer-auto"]["last_exit"], "terminated by SIGKILL")

    def test_programs_the_stack_does_not_list_are_ignored(self):
        self.assertFalse(self.event("supervise-state", "RUNNING", from_state="STARTING"))
        self.assertEqual(self.state, {})

    def test_state_file_is_replaced_whole(self):
        path = os.path.join(self.dir.name, "state.json")
        supervise.write_atomically(path, {"producer": {"restarts": 0}})
        with open(path, encoding="utf-8") as state:
            self.assertIn('"restarts": 0', state.read())
        self.assertFalse(os.path.exists(path + ".tmp"))


if __name__ == "__main__":
    unittest.main()
