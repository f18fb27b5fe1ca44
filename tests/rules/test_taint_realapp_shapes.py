"""Shapes from real applications (issue 10, taint precision): what each data-flow finding says and at what confidence."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.model import Confidence
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
