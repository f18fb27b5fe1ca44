# Labelled recall cases written for vetline in the style of OWASP PyGoat (a Django training app;
# source studied: adeyosemanputra/pygoat `introduction/views.py` labs: SQL built with `+`,
# `nslookup` through a shell, pickled cookies, YAML uploads, XXE, SSRF, eval, MD5 passwords).
# `# vuln: <rule>` marks a documented vulnerability on the next line. Not copied code.
import base64
import hashlib
import os
import pickle
import random
import subprocess

import requests
import yaml
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from lxml import etree

from .models import Login


def sql_lab(request):
    name = request.POST.get("name")
    password = request.POST.get("pass")
    sql_query = "SELECT * FROM introduction_login WHERE user='" + name + "' AND password='" + password + "'"
    # vuln: sql-query-built-from-strings
    users = Login.objects.raw(sql_query)
    return render(request, "Lab/SQL/sql_lab.html", {"users": users})


def cmd_lab(request):
    domain = request.POST.get("domain")
    command = "nslookup {}".format(domain)
    # vuln: os-command-injection
    process = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE)
    return HttpResponse(process.communicate()[0], content_type="text/plain")


def insecure_deserialization(request):
    token = request.COOKIES.get("token")
    # vuln: pickle-deserialization
    admin = pickle.loads(base64.b64decode(token))
    return render(request, "Lab/A8/lab.html", {"admin": admin})


def yaml_lab(request):
    upload = request.FILES["file"]
    # vuln: yaml-unsafe-load
    data = yaml.load(upload.read(), Loader=yaml.Loader)
    return render(request, "Lab/A9/a9_lab.html", {"data": data})


def xxe_parse(request):
    # vuln: xml-external-entities
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(request.body, parser)
    return HttpResponse(tree.findtext("text"), content_type="text/plain")


def ssrf_lab(request):
    url = request.GET["url"]
    # vuln: ssrf-tainted-url
    answer = requests.get(url, timeout=5)
    return HttpResponse(answer.text, content_type="text/plain")


def file_lab(request):
    name = request.GET.get("blog")
    # vuln: path-traversal
    with open(os.path.join("introduction/templates/Lab/ssrf/blogs", name)) as fd:
        return HttpResponse(fd.read(), content_type="text/plain")


def calc_lab(request):
    expression = request.POST["expr"]
    # vuln: eval-of-dynamic-code
    result = eval(expression)
    return render(request, "Lab/A3/calc.html", {"result": result})


def xss_lab(request):
    query = request.GET.get("q", "")
    # vuln: xss-unescaped-html
    return HttpResponse(f"<h3>Results for {query}</h3>")


def forwarded_lab(request):
    client = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # vuln: os-command-injection
    os.system("echo " + client + " >> visitors.log")
    return HttpResponse("logged", content_type="text/plain")


def redirect_lab(request):
    # vuln: open-redirect
    return redirect(request.GET.get("next"))


def register(request):
    password = request.POST["password"]
    # vuln: weak-hash-md5-sha1
    digest = hashlib.md5(password.encode()).hexdigest()
    Login.objects.create(user=request.POST["user"], password=digest)
    # vuln: insecure-random-for-secrets
    otp = str(random.randint(100000, 999999))
    request.session["otp"] = otp
    return render(request, "Lab/register.html")


def preferences(request):
    # vuln: trust-boundary-violation
    request.session["role"] = request.POST.get("role")
    return render(request, "Lab/prefs.html")


def cookie_login(request):
    raw = request.COOKIES["auth"]
    import json

    # vuln: unsigned-cookie-identity
    user = json.loads(base64.b64decode(raw))
    return HttpResponse(user["name"], content_type="text/plain")


def body_sql(request):
    term = request.body.decode()
    with connection.cursor() as cursor:
        # vuln: sql-query-built-from-strings
        cursor.execute(f"SELECT * FROM blogs WHERE title LIKE '%{term}%'")
        return HttpResponse(str(cursor.fetchall()), content_type="text/plain")
