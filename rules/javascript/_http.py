"""Node and browser HTTP knowledge shared by the JavaScript rules: clients, responses, cookies.

Which calls send a request (SSRF sinks), which objects are an Express/Koa/Fastify response,
which cookie names carry a session. Data, so a new library is a table edit.
"""

from __future__ import annotations

# Calls whose first argument (or `url` option) is the URL a request goes to.
CLIENT_CALLS = frozenset(
    {
        "fetch",
        "window.fetch",
        "globalThis.fetch",
        "node-fetch",
        "axios",
        "axios.get",
        "axios.post",
        "axios.put",
        "axios.patch",
        "axios.delete",
        "axios.head",
        "axios.request",
        "got",
        "got.get",
        "got.post",
        "got.stream",
        "http.get",
        "http.request",
        "https.get",
        "https.request",
        "request",
        "request.get",
        "request.post",
        "needle",
        "needle.get",
        "superagent.get",
        "superagent.post",
        "undici.request",
        "undici.fetch",
        "ky",
        "ky.get",
        "ky.post",
    }
)
# Names a response object has in handlers.
RESPONSE_NAMES = frozenset({"res", "response", "reply", "resp"})
# Response methods that send a body.
SEND_METHODS = frozenset({"send", "json", "end", "write", "jsonp"})
# Cookie names (lower-case substrings) whose cookie authenticates the user.
SESSION_COOKIE_WORDS = ("session", "sess", "sid", "token", "auth", "jwt", "remember", "login", "access", "refresh")
