"""Start and stop the test identity provider in a second process."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REPO_ROOT = Path(__file__).resolve().parents[3]
START_SECONDS = 60


@dataclass
class IdentityProvider:
    """A running provider: where it answers and what it was seeded with."""

    base_url: str
    seed: dict[str, Any]

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/o"


def free_port() -> int:
    """Return a localhost port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_signing_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@contextmanager
def identity_provider(state_dir: Path, seed: dict[str, Any]) -> Iterator[IdentityProvider]:
    """Run the provider with these clients and people until the block ends."""
    state_dir.mkdir(parents=True, exist_ok=True)
    _write_signing_key(state_dir / "signing-key.pem")
    (state_dir / "seed.json").write_text(json.dumps(seed))
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["OIDC_PROVIDER_STATE"] = str(state_dir)
    log = (state_dir / "provider.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem.testing.oidc_provider.serve", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = IdentityProvider(base_url=f"http://127.0.0.1:{port}", seed=seed)
    try:
        _wait_until_ready(provider, process, state_dir)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(
    provider: IdentityProvider, process: subprocess.Popen[bytes], state_dir: Path
) -> None:
    discovery = f"{provider.issuer}/.well-known/openid-configuration"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(discovery, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    log = (state_dir / "provider.log").read_text(errors="replace")
    raise RuntimeError(f"The test identity provider did not start:\n{log}")
