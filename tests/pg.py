"""Where the test suite gets its PostgreSQL: an explicit URL, a container, or our launcher."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse


def docker_answers(timeout: float = 0.5) -> bool:
    """True when a Docker daemon answers a ping; False fast for no socket, refused or hung."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        return False
    try:
        import docker

        client = docker.DockerClient(base_url=host, timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def postgres_server(tmp_dir: Path) -> Iterator[str]:
    """Yield a superuser DSN: TEST_DATABASE_URL, else testcontainers, else embedded."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
        return
    if docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:18-alpine", driver=None) as container:
            yield container.get_connection_url()
        return
    from service.database.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(
        data_dir=tmp_dir, port=free_port(), settings={"fsync": "off", "max_connections": "200"}
    )
    dsn = server.start()
    try:
        yield dsn
    finally:
        server.stop()


def with_database(dsn: str, name: str) -> str:
    """The same server DSN pointing at database `name`."""
    return urlparse(dsn)._replace(path=f"/{name}").geturl()
