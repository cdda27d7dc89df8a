"""Loopback fakes of the remote ends for email, X, Meta and LAPOR!: our client code is real, only the far
end is this recorder.

* ``FakeRemote``: an HTTP server for the X API v2 (``/x``), the Graph API (``/graph``), a CDN (``/cdn``) and
  LAPOR! (``/lapor``). Every request is kept in ``requests``.
* ``FakeImap``: a tiny IMAP4rev1 server (plain, no TLS): CAPABILITY, LOGIN, SELECT, SEARCH UNSEEN,
  FETCH (BODY.PEEK[] / RFC822 / BODY[]), STORE +FLAGS (\\Seen), LOGOUT. ``FETCH RFC822`` and ``BODY[]`` set
  \\Seen as a real server does (RFC 3501 §6.4.5); ``BODY.PEEK[]`` does not.
"""

from __future__ import annotations

import json
import re
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .fake_services import jpeg


class FakeRemote:
    def __init__(self):
        self.requests: list[dict] = []
        self.media = {"PHOTO1": jpeg((30, 160, 90)), "PHOTO2": jpeg((160, 30, 90))}
        self.laporan: list[dict] = []
        self.page_size = 2
        self.psid_for_comment: dict[str, str] = {}
        self.mentioned: dict[str, dict] = {}
        self.fail_sends = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, code, body, ctype="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                split = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                outer.requests.append(
                    {"method": "GET", "path": split.path, "query": query, "headers": dict(self.headers)}
                )
                if split.path.startswith("/cdn/"):
                    name = split.path.rsplit("/", 1)[-1]
                    return (
                        self._reply(200, outer.media[name], "image/jpeg")
                        if name in outer.media
                        else self._reply(404, {})
                    )
                if split.path == "/lapor/laporan":
                    page = int(query.get("page", "1"))
                    size = outer.page_size
                    chunk = outer.laporan[(page - 1) * size : page * size]
                    more = page * size < len(outer.laporan)
                    return self._reply(200, {"data": chunk, "next_page": page + 1 if more else None})
                if split.path.startswith("/graph/") and "fields" in query:
                    found = re.search(r"mentioned_(comment|media)\.\w+_id\(([^)]+)\)", query["fields"])
                    if found and found.group(2) in outer.mentioned:
                        return self._reply(
                            200,
                            {
                                f"mentioned_{found.group(1)}": outer.mentioned[found.group(2)],
                                "id": split.path.rsplit("/", 1)[-1],
                            },
                        )
                self._reply(404, {"error": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = body.decode("utf-8", "replace")
                path = urlsplit(self.path).path
                outer.requests.append({"method": "POST", "path": path, "headers": dict(self.headers), "json": payload})
                if outer.fail_sends > 0:
                    outer.fail_sends -= 1
                    outer.requests[-1]["failed"] = True
                    return self._reply(503, {"error": "temporarily unavailable"})
                n = len(outer.requests)
                if path == "/x/2/tweets":
                    return self._reply(201, {"data": {"id": f"19000000000000{n:04d}", "text": payload["text"]}})
                if path.startswith("/x/2/dm_conversations/with/"):
                    return self._reply(201, {"data": {"dm_conversation_id": "1-2", "dm_event_id": f"dm{n}"}})
                if path == "/graph/me/messages":
                    recipient = payload["recipient"]
                    psid = outer.psid_for_comment.get(recipient.get("comment_id"), "") or recipient.get("id", "")
                    return self._reply(200, {"recipient_id": psid, "message_id": f"m_out{n}"})
                if path.startswith("/graph/") and path.endswith(("/comments", "/replies", "/mentions")):
                    return self._reply(200, {"id": f"reply{n}"})
                if path.startswith("/lapor/laporan/") and path.endswith("/tindak-lanjut"):
                    return self._reply(201, {"id": f"tl{n}"})
                self._reply(404, {"error": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sent(self, prefix: str = "", suffix: str = "") -> list[dict]:
        """Successful POSTs (what really reached the far end)."""
        return [
            r
            for r in self.requests
            if r["method"] == "POST"
            and r["path"].startswith(prefix)
            and r["path"].endswith(suffix)
            and not r.get("failed")
        ]


class FakeImap:
    """``messages``: list of raw RFC 822 bytes; sequence numbers are positions + 1. ``fail_fetch``: sequence
    numbers whose next FETCH answers NO (a transient server error)."""

    def __init__(self, messages: list[bytes], user: str = "lapor@kota.go.id", password: str = "imap-pass"):
        self.messages = [{"raw": raw, "flags": set()} for raw in messages]
        self.user, self.password = user, password
        self.commands: list[str] = []
        self.fail_fetch: set[int] = set()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, line: bytes):
                self.wfile.write(line)
                self.wfile.flush()

            def handle(self):
                self.send(b"* OK IMAP4rev1 fake ready\r\n")
                selected = False
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    tag, _sp, rest = line.partition(" ")
                    command, _sp, args = rest.partition(" ")
                    command = command.upper()
                    outer.commands.append(f"{command} {args}".strip() if command != "LOGIN" else "LOGIN")
                    if command == "CAPABILITY":
                        self.send(
                            b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + f"{tag} OK CAPABILITY completed\r\n".encode()
                        )
                    elif command == "LOGIN":
                        user, _sp, password = args.partition(" ")
                        if user.strip('"') == outer.user and password.strip('"') == outer.password:
                            self.send(f"{tag} OK LOGIN completed\r\n".encode())
                        else:
                            self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n".encode())
                    elif command == "SELECT":
                        selected = True
                        self.send(
                            f"* {len(outer.messages)} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n"
                            f"{tag} OK [READ-WRITE] SELECT completed\r\n".encode()
                        )
                    elif command == "SEARCH" and selected:
                        unseen = [str(i + 1) for i, m in enumerate(outer.messages) if "\\Seen" not in m["flags"]]
                        if args.upper().strip() != "UNSEEN":
                            unseen = [str(i + 1) for i in range(len(outer.messages))]
                        self.send(f"* SEARCH {' '.join(unseen)}\r\n{tag} OK SEARCH completed\r\n".encode())
                    elif command == "FETCH" and selected:
                        seq, _sp, items = args.partition(" ")
                        n = int(seq)
                        if n in outer.fail_fetch:
                            outer.fail_fetch.discard(n)
                            self.send(f"{tag} NO FETCH failed (try again)\r\n".encode())
                            continue
                        message = outer.messages[n - 1]
                        upper = items.upper()
                        if "PEEK" not in upper:
                            message["flags"].add("\\Seen")  # RFC822 / BODY[] set \Seen implicitly
                        label = "RFC822" if "RFC822" in upper else "BODY[]"
                        data = message["raw"]
                        self.send(
                            f"* {n} FETCH ({label} {{{len(data)}}}\r\n".encode()
                            + data
                            + b")\r\n"
                            + f"{tag} OK FETCH completed\r\n".encode()
                        )
                    elif command == "STORE" and selected:
                        seq, _sp, items = args.partition(" ")
                        n = int(seq)
                        if "+FLAGS" in items.upper() and "\\SEEN" in items.upper():
                            outer.messages[n - 1]["flags"].add("\\Seen")
                        self.send(
                            f"* {n} FETCH (FLAGS ({' '.join(sorted(outer.messages[n - 1]['flags']))}))\r\n"
                            f"{tag} OK STORE completed\r\n".encode()
                        )
                    elif command == "LOGOUT":
                        self.send(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n".encode())
                        return
                    else:
                        self.send(f"{tag} BAD unknown or not allowed here\r\n".encode())

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def seen(self) -> list[bool]:
        return ["\\Seen" in m["flags"] for m in self.messages]
