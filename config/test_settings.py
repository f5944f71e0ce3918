"""Settings for the test suite: the production settings with test-only secrets and speed-ups."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-never-used-in-production-4f1b2c")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Tasks run where they are enqueued, so tests see their effects at once.
os.environ.setdefault("TASKS_BACKEND", "immediate")
# The rush tests queue 40 buyers on one row lock on a 2-core machine: wait, do not shed load.
os.environ.setdefault("DATABASE_LOCK_TIMEOUT_MS", "60000")
# A fixed Ed25519 seed for tests only (base64 of 32 bytes).
os.environ.setdefault("TICKET_SIGNING_KEY", "dGVzdHMtb25seS1zaWduaW5nLWtleS0zMi1ieXRlcyE=")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Serve static files straight from the finders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# No persistent connections: the live server's threads must not keep the test database open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: concurrency tests need real connections from several threads, as in
    # production (WAL, IMMEDIATE transactions, busy timeout).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405

# The API takes JSON only: the API test client sends it unless a test says otherwise.
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}  # noqa: F405
