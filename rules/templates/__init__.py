"""Rules for Jinja2 and Django HTML templates (`templates/**/*.html`, `*.jinja`, `*.j2`)."""
