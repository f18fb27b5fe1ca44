# Hold-out recall cases (see views.py). `# vuln: <rule>` marks the next line.
# vuln: hardcoded-signing-key
SECRET_KEY = "9x!p2#shop-demo-secret-do-not-use-7f3k"
# vuln: debug-mode-enabled
DEBUG = True
# vuln: cookie-without-secure-flags
CSRF_COOKIE_SECURE = False
