"""A PostgreSQL server as an office runs one: TLS with a certificate from the office's own CA, passwords checked
by SCRAM over TCP (the superuser alone trusted, for the test's setup). Certificates made with `cryptography`."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop_app.core.storage.server_connection import ServerConnection
from tests.postgres import SUPERUSER, PostgresServer, plain_login


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(folder: Path, name: str) -> tuple[Path, ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name}.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path, key, certificate


TLS_OPTIONS = " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"


class TlsPostgresServer(PostgresServer):
    """`ca_file`: the CA the office hands out; `other_ca_file`: one that did not sign the server's certificate."""

    def start(self) -> TlsPostgresServer:
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        self.ca_file, ca_key, ca_certificate = make_ca(self.root, "office-ca")
        self.other_ca_file, _, _ = make_ca(self.root, "someone-else")
        server_key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        server_certificate = (
            x509.CertificateBuilder()
            .subject_name(_name("127.0.0.1"))
            .issuer_name(ca_certificate.subject)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        (self.data / "server.crt").write_bytes(server_certificate.public_bytes(serialization.Encoding.PEM))
        key_file = self.data / "server.key"
        key_file.write_bytes(
            server_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_file.chmod(0o600)
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        )
        self.launch(TLS_OPTIONS)
        return self

    def pause(self) -> None:
        """The server goes away (a restart, the network cut), its data kept."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        self.launch(TLS_OPTIONS)


def office_account(server: TlsPostgresServer, password: str) -> tuple[ServerConnection, str]:
    """A database at head on the office server, and one person's own login with `password`: (connection, login)."""
    import uuid

    from desktop_app.core.storage import migrate
    from desktop_app.core.storage.database import build_engine

    name = f"t_{uuid.uuid4().hex}"
    login = f"sg_{uuid.uuid4().hex[:8]}"
    server.execute(f"CREATE DATABASE {name}")
    engine = build_engine(server.url(name))
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            plain_login(conn, login, password)
    finally:
        engine.dispose()
    url = f"postgresql+psycopg://{login}@127.0.0.1:{server.port}/{name}"
    return ServerConnection.checked(url, server.ca_file), login
