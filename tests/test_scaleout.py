"""Two app servers and a task worker against one PostgreSQL and one Redis: the guarantees hold
across them (bench/scaleout.py --quick; the full run is `make bench`'s, in docs/performance.md)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the scale-out run needs PostgreSQL (CI runs the suite on it)",
)
def test_two_app_servers_and_a_worker_sell_no_ticket_twice_and_admit_once():
    """60 buyers for 20 tickets alternately through two gunicorn servers: exactly 20 sold, every
    loser a 409 sold_out, no 5xx; 20 tickets each scanned through both servers at once: one ok
    each; the RQ worker renders every order's invoice PDF. The script checks all of it in the
    database and exits 1 when anything fails."""
    env = {**os.environ, "REDIS_URL": "", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the servers run with the production settings
    proc = subprocess.run(
        [sys.executable, "bench/scaleout.py", "--quick", "--redis-url", "redis://127.0.0.1:6379/10"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "**20 tickets sold**" in proc.stdout
    assert "20 × already_checked_in + ok" in proc.stdout
    assert "20 of 20 invoice PDFs" in proc.stdout
