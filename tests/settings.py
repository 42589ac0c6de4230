"""Settings for the test suite: production settings with test keys, plain HTTP, temp home."""

import os
import tempfile

os.environ.setdefault("FENER_SECRET_KEY", "test-secret-key-" + "t" * 60)
os.environ.setdefault("FENER_DATA_KEY", "test-data-key-not-secret-but-long-enough-for-the-vault")
os.environ.setdefault("FENER_TLS", "0")
os.environ.setdefault("FENER_HOME", tempfile.mkdtemp(prefix="fener-test-"))
os.environ.setdefault("DEBUG", "0")

from fener.config.settings import *  # noqa: F403

# Fewer Argon2 rounds keep the suite fast; production parameters stay untouched.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]

# The feed tests serve feeds from 127.0.0.1; production allows public addresses only.
FENER_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
