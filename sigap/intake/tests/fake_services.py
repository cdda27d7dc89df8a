"""A fake of the remote services (WhatsApp Graph API, Telegram Bot API, SMS gateway) on loopback.

Our client code is real; only the far end is this recorder. Every request is kept in ``requests``.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def jpeg(colour=(40, 120, 200), size=(320, 240)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def wamid(number: str, n: int) -> str:
    """A WhatsApp message id shaped as Meta's are: base64 that holds the other party's number."""
    raw = (
        b"\x1c\x18"
        + bytes([len(number)])
        + number.encode()
        + b"\x15\x02\x00\x11\x18\x12"
        + f"{n:018X}".encode()
        + b"\x00"
    )
    return "wamid." + base64.b64encode(raw).decode()


class FakeServices:
    def __init__(self):
        self.requests: list[dict] = []
        self.media = {"MEDIA1": jpeg(), "TGFILE1": jpeg((200, 40, 40))}
        self.fail_sends = 0
        self.fail_media = 0  # the next N media lookups answer 500 (the channel's server having a bad minute)
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
                outer.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers)})
                path = self.path.split("?")[0]
                if path.startswith("/graph/") and outer.fail_media > 0:
                    outer.fail_media -= 1
                    return self._reply(500, {"error": "try again"})
                if path.startswith("/graph/") and path.rsplit("/", 1)[-1] in outer.media:
                    media_id = path.rsplit("/", 1)[-1]
                    return self._reply(200, {"url": f"{outer.url}/download/{media_id}", "mime_type": "image/jpeg"})
                if path.startswith("/download/"):
                    return self._reply(200, outer.media[path.rsplit("/", 1)[-1]], "image/jpeg")
                if path.endswith("/getFile"):
                    file_id = self.path.split("file_id=")[1]
                    return self._reply(
                        200, {"ok": True, "result": {"file_id": file_id, "file_path": f"photos/{file_id}.jpg"}}
                    )
                if "/file/bot" in path:
                    return self._reply(200, outer.media[path.rsplit("/", 1)[-1].removesuffix(".jpg")], "image/jpeg")
                self._reply(404, {"error": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = body.decode("utf-8", "replace")
                outer.requests.append(
                    {"method": "POST", "path": self.path, "headers": dict(self.headers), "json": payload}
                )
                if outer.fail_sends > 0:
                    outer.fail_sends -= 1
                    outer.requests[-1]["failed"] = True
                    return self._reply(503, {"error": "temporarily unavailable"})
                n = len(outer.requests)
                if self.path.endswith("/messages"):
                    to = str(payload.get("to", "")) if isinstance(payload, dict) else ""
                    return self._reply(200, {"messaging_product": "whatsapp", "messages": [{"id": wamid(to, n)}]})
                if self.path.endswith("/sendMessage"):
                    return self._reply(200, {"ok": True, "result": {"message_id": n}})
                if self.path.startswith("/sms"):
                    return self._reply(200, {"id": f"sms-{n}"})
                self._reply(200, {"id": str(n)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sent(self, path_suffix: str) -> list[dict]:
        """Successful POSTs to paths ending with ``path_suffix`` (what really reached the resident)."""
        return [
            r
            for r in self.requests
            if r["method"] == "POST" and r["path"].endswith(path_suffix) and not r.get("failed")
        ]
