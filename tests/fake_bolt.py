"""A fake Bolt endpoint on localhost for the fault tests (tests/test_reliability_faults.py).

It speaks just enough Bolt 4.4 (handshake, chunked PackStream messages) to play a Neo4j
server that misbehaves in one chosen way:

- ``drop``: accepts every connection and closes it at once;
- ``stall``: accepts and never answers (not even the handshake);
- ``mute``: answers the handshake, then never answers HELLO;
- ``auth``: answers the handshake, then refuses HELLO's credentials
  (``Neo.ClientError.Security.Unauthorized``);
- ``transient``: accepts HELLO and BEGIN, answers every RUN with
  ``Neo.TransientError.General.DatabaseUnavailable`` (so the driver retries);
- ``hang``: accepts HELLO and BEGIN, never answers RUN (a query that never returns).

Usage::

    with FakeBolt("transient") as server:
        open_store("neo4j", uri=server.uri, ...)
    server.runs  # how many RUN messages arrived (the driver's attempts)

Nothing here is a real server: it never parses a query, it only counts messages.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType
from typing import Literal

__all__ = ["FakeBolt", "Mode"]

Mode = Literal["drop", "stall", "mute", "auth", "transient", "hang"]

MAGIC = b"\x60\x60\xb0\x17"
BOLT_4_4 = b"\x00\x00\x04\x04"
HELLO, GOODBYE, RESET, RUN, BEGIN, COMMIT, ROLLBACK = 0x01, 0x02, 0x0F, 0x10, 0x11, 0x12, 0x13
SUCCESS, IGNORED, FAILURE = 0x70, 0x7E, 0x7F


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) < 16:
        return bytes([0x80 + len(data)]) + data
    if len(data) < 256:
        return b"\xd0" + bytes([len(data)]) + data
    return b"\xd1" + struct.pack(">H", len(data)) + data


def _map(items: dict[str, str]) -> bytes:
    assert len(items) < 16
    return bytes([0xA0 + len(items)]) + b"".join(_string(k) + _string(v) for k, v in items.items())


def _message(signature: int, fields: dict[str, str] | None = None) -> bytes:
    body = bytes([0xB1, signature]) + _map(fields or {})
    return struct.pack(">H", len(body)) + body + b"\x00\x00"


class FakeBolt:
    """A misbehaving Bolt server on 127.0.0.1 (a random free port), run in daemon threads."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.connections = 0
        self.runs = 0
        self.received = bytearray()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)  # accept() polls, so close() never waits on it
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeBolt:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        with self._lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            if self.mode == "drop":
                conn.close()
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _recv(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        with self._lock:
            self.received += data
        return data

    def _read_message(self, conn: socket.socket) -> bytes:
        body = b""
        while True:
            (size,) = struct.unpack(">H", self._recv(conn, 2))
            if size == 0:
                if body:
                    return body
                continue  # a NOOP chunk
            body += self._recv(conn, size)

    def _handle(self, conn: socket.socket) -> None:
        try:
            if self.mode == "stall":
                self._stop.wait()
                return
            if self._recv(conn, 4) != MAGIC:
                return
            self._recv(conn, 16)
            conn.sendall(BOLT_4_4)
            failed = False
            while not self._stop.is_set():
                message = self._read_message(conn)
                signature = message[1] if len(message) > 1 else -1
                if signature == GOODBYE:
                    return
                if self.mode == "mute" or (self.mode == "hang" and signature == RUN):
                    with self._lock:
                        self.runs += signature == RUN
                    self._stop.wait()
                    return
                if signature == HELLO:
                    if self.mode == "auth":
                        conn.sendall(
                            _message(
                                FAILURE,
                                {
                                    "code": "Neo.ClientError.Security.Unauthorized",
                                    "message": "The client is unauthorized due to authentication failure.",
                                },
                            )
                        )
                        return
                    conn.sendall(_message(SUCCESS, {"server": "Neo4j/4.4.0", "connection_id": "bolt-1"}))
                elif signature == RESET:
                    failed = False
                    conn.sendall(_message(SUCCESS))
                elif failed:
                    conn.sendall(_message(IGNORED))
                elif signature == RUN:
                    with self._lock:
                        self.runs += 1
                    failed = True
                    conn.sendall(
                        _message(
                            FAILURE,
                            {
                                "code": "Neo.TransientError.General.DatabaseUnavailable",
                                "message": "The database is not currently available to serve your request.",
                            },
                        )
                    )
                else:  # BEGIN, COMMIT, ROLLBACK, PULL, ...
                    conn.sendall(_message(SUCCESS))
        except (OSError, ConnectionError, struct.error):
            return
        finally:
            conn.close()
