# Hold-out recall cases written for vetline AFTER the recall work, and not tuned against: a
# Django shop with class-based views and DRF in the style of PyGoat's and DjangoGoat's labs
# (source studied: OWASP PyGoat, nVisium DjangoGoat). `# vuln: <rule>` marks the next line.
import hashlib
import os
import pickle
import random
import string
import subprocess

import requests
import yaml
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.safestring import mark_safe
from django.views import View
from rest_framework.decorators import api_view
from rest_framework.response import Response


class SearchView(View):
    def get(self, request):
        term = request.GET.get("term", "")
        with connection.cursor() as cursor:
            # vuln: sql-query-built-from-strings
            cursor.execute("SELECT * FROM products WHERE name LIKE '%{}%'".format(term))
            rows = cursor.fetchall()
        # vuln: xss-unescaped-html
        return HttpResponse(mark_safe("<h2>" + term + "</h2>"))


class ExportView(View):
    def post(self, request):
        fmt = request.POST["format"]
        # vuln: os-command-injection
        subprocess.call("export-orders --format " + fmt, shell=True)
        return HttpResponse("queued", content_type="text/plain")


class InvoiceView(View):
    def get(self, request, name):
        # vuln: path-traversal
        with open(os.path.join("/srv/invoices", name), "rb") as handle:
            return HttpResponse(handle.read(), content_type="application/pdf")


class LoginView(View):
    def post(self, request):
        user = request.POST["user"]
        password = request.POST["password"]
        # vuln: weak-hash-md5-sha1
        digest = hashlib.sha1(password.encode()).hexdigest()
        # vuln: trust-boundary-violation
        request.session["username"] = user
        next_url = request.GET.get("next", "/")
        # vuln: open-redirect
        return HttpResponseRedirect(next_url)


@api_view(["POST"])
def import_cart(request):
    # vuln: pickle-deserialization
    cart = pickle.loads(request.body)
    return Response({"items": len(cart)})


@api_view(["POST"])
def import_rules(request):
    # vuln: yaml-unsafe-load
    rules = yaml.load(request.data["rules"], Loader=yaml.FullLoader)
    return Response(rules)


@api_view(["GET"])
def preview(request):
    url = request.query_params.get("url")
    # vuln: ssrf-tainted-url
    page = requests.get(url, timeout=3)
    return Response({"status": page.status_code})


def reset_password(request):
    # vuln: insecure-random-for-secrets
    code = "".join(random.choices(string.digits, k=6))
    request.session["reset"] = code
    return HttpResponse("sent", content_type="text/plain")


def discount(request):
    percent = request.GET.get("percent", "0")
    # vuln: eval-of-dynamic-code
    value = eval(percent + " / 100")
    return HttpResponse(str(value), content_type="text/plain")
