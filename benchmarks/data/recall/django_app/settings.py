# Labelled recall cases written for vetline in the style of PyGoat's `pygoat/settings.py`.
# `# vuln: <rule>` marks a documented vulnerability on the next line. Not copied code.
# vuln: hardcoded-signing-key
SECRET_KEY = "lr66%-a!$km5ed@n5ug!tya5bv!0(yqwa1tn!q%0%3m2nh%oer"
# vuln: debug-mode-enabled
DEBUG = True
ALLOWED_HOSTS = ["*"]
# vuln: cookie-without-secure-flags
SESSION_COOKIE_HTTPONLY = False
# vuln: cookie-without-secure-flags
SESSION_COOKIE_SECURE = False
INSTALLED_APPS = ["django.contrib.sessions", "introduction"]
