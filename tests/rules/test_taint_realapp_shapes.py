"""Shapes from real applications (issue 10, taint precision): what each data-flow finding says and at what confidence."""

from __future__ import annotations

import pytest
from vetline.rules.engine import Engine
from vetline.rules.model import Confidence
from vetline.rules.python.path_traversal import RULE as PATH
from vetline.rules.python.pickle_deserialization import RULE as PICKLE

# OpenREM's skin-map view: a pickle cache under MEDIA_ROOT whose file name the study's pk picks.
OWN_CACHE = b"""import gzip, os, pickle
from django.http import JsonResponse
from openremproject.settings import MEDIA_ROOT

def rf_detail_view_skin_map(request, pk=None):
    try:
        study_date = Study.objects.get(pk=pk).study_date
        skin_map_path = os.path.join(MEDIA_ROOT, "skin_maps", "{0:0>4}".format(study_date.year), "skin_map_" + str(pk) + ".p")
    except Exception:
        skin_map_path = os.path.join(MEDIA_ROOT, "skin_maps", "skin_map_" + str(pk) + ".p")
    with gzip.open(skin_map_path, "rb") as f:
        return JsonResponse(pickle.load(f))

def chosen_by_query(request):
    with open(os.path.join(MEDIA_ROOT, request.GET["name"]), "rb") as f:
        return JsonResponse(pickle.load(f))
"""


def test_pickle_of_own_cache_keyed_by_pk_is_a_low_note() -> None:
    """Ensure that a cache file in the program's folder picked by a route key is a low note, a query-chosen file high."""
    found = Engine([PICKLE]).analyze(OWN_CACHE, "python", "remapp/views.py").findings
    assert [(f.start.line, f.confidence) for f in found] == [
        (11, Confidence.LOW),
        (15, Confidence.HIGH),
    ]  # 0-based lines
    assert "program's own folder" in found[0].message


# django-wiki's `core/http.py` and wagtail's `utils/sendfile_streaming_backend.py`: a file sender
# other modules call with a stored file's path, shaped like a Django view `def view(request, pk)`.
SEND_FILE = b"""import os
from django.http import FileResponse

def send_file(request, filepath, last_modified=None):
    statobj = os.stat(filepath)
    return FileResponse(open(filepath, "rb"))
"""


@pytest.mark.parametrize(
    "path", ["src/wiki/core/http.py", "wagtail/utils/sendfile_streaming_backend.py", "users/functions/common.py"]
)
def test_request_helper_in_a_helper_module_is_not_a_view(path: str) -> None:
    """Ensure that `def send_file(request, filepath)` in a helper module does not make `filepath` a route parameter."""
    assert Engine([PATH]).analyze(SEND_FILE, "python", path).findings == ()


@pytest.mark.parametrize("path", ["wiki/views.py", "shop/core/views/files.py", "app/downloads.py"])
def test_the_same_function_in_a_views_module_is_a_view(path: str) -> None:
    """Ensure that the same function in a views module (or any other module) still takes `filepath` from the URL."""
    found = Engine([PATH]).analyze(SEND_FILE, "python", path).findings
    assert [(f.start.line, f.confidence) for f in found] == [(5, Confidence.HIGH)]


def test_a_decorated_or_routed_view_in_a_helper_module_is_a_view() -> None:
    """Ensure that a decorated view, or a module with `urlpatterns`, in `utils/` is still a view."""
    decorated = SEND_FILE.replace(b"def send_file", b"@login_required\ndef send_file")
    routed = SEND_FILE + b"urlpatterns = [path('files/<path:filepath>', send_file)]\n"
    assert len(Engine([PATH]).analyze(decorated, "python", "shop/utils/files.py").findings) == 1
    assert len(Engine([PATH]).analyze(routed, "python", "shop/utils/files.py").findings) == 1
