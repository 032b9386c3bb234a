"""scripts/lib/supervisor.sh writes supervisord.conf, which holds REDIS_URL and its password, mode 0600."""
import os
import stat
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SECRET_URL = "redis://consumer:s3cret-pw@127.0.0.1:6379/0"


def write_config(run_dir, umask="022", secure=0):
    """Runs sv_write_config as stack.sh does, with one service, under `umask`."""
    script = f"""
set -euo pipefail
umask {umask}
secure={secure} secrets_dir={run_dir}/secrets
here={ROOT}/scripts root={ROOT} run_dir={run_dir} binary=/bin/true
bootstrap=127.0.0.1:9092 redis_url='{SECRET_URL}'
services=('consumer-auto|http://127.0.0.1:8092/health|consume|always')
die() {{ echo "error: $*" >&2; exit 1; }}
service_log() {{ echo "$run_dir/logs/$1.log"; }}
source {ROOT}/scripts/lib/supervisor.sh
sv_write_config
"""
    subprocess.run(["bash", "-c", script], check=True)
    return os.path.join(run_dir, "supervisor", "supervisord.conf")


class SupervisorConf(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def mode(self, path):
        return stat.S_IMODE(os.stat(path).st_mode)

    def test_the_config_holds_the_url_and_only_its_owner_reads_it(self):
        conf = write_config(self.dir.name)
        self.assertEqual(oct(self.mode(conf)), oct(0o600))
        with open(conf, encoding="utf-8") as f:
            self.assertIn('REDIS_URL="' + SECRET_URL + '"', f.read())

    def test_the_secure_profile_gives_each_service_its_own_secrets_file_and_no_redis_url(self):
        conf = write_config(self.dir.name, secure=1)
        with open(conf, encoding="utf-8") as f:
            text = f.read()
        secrets = os.path.join(self.dir.name, "secrets", "consumer-auto.env")
        self.assertIn('SECURE="1",ORDERFLOW_SECRETS_FILE="' + secrets + '"', text)
        self.assertNotIn("REDIS_URL", text)
        self.assertNotIn("s3cret", text)

    def test_a_leftover_readable_tmp_file_does_not_widen_the_mode(self):
        os.makedirs(os.path.join(self.dir.name, "supervisor"))
        leftover = os.path.join(self.dir.name, "supervisor", "supervisord.conf.tmp")
        with open(leftover, "w", encoding="utf-8") as f:
            f.write("old")
        os.chmod(leftover, 0o644)
        conf = write_config(self.dir.name, umask="000")
        self.assertEqual(oct(self.mode(conf)), oct(0o600))


if __name__ == "__main__":
    unittest.main()
