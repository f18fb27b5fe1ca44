"""`torch.load` without `weights_only=True` unpickles the checkpoint, running any code it holds.

This rule owns the PyTorch loader only; other pickle-based loaders are `pickle-deserialization`.
A missing keyword is reported with medium confidence because PyTorch 2.6 flipped the default
to True, while an explicit `weights_only=False` is reported with high confidence.
"""

from __future__ import annotations

from ..analysis.nodes import is_false, keyword_arg
from ..context import Match
from ..model import Category, Confidence, Fix, Report, Rule, Severity
from ._edits import set_keyword


def unsafe_weights_only(match: Match) -> bool | Report:
    args = match.node("args")
    value = keyword_arg(args, "weights_only")
    if value is not None:
        return is_false(value)  # a variable or True: the caller decided, nothing to say
    if args is None or any(child.type == "dictionary_splat" for child in args.named_children):
        return False  # `**kwargs` may carry weights_only
    return Report(
        confidence=Confidence.MEDIUM,
        message="`torch.load` without `weights_only=True` unpickles the file on PyTorch < 2.6, "
        "which runs any code a malicious checkpoint holds.",
    )


def add_weights_only(match: Match) -> Fix | None:
    """Turn `weights_only=False` into True, or append `weights_only=True` to the call."""
    args = match.node("args")
    if args is None or keyword_arg(args, "pickle_module") is not None:
        return None  # PyTorch rejects weights_only=True together with a custom pickle module
    edit = set_keyword(match, "weights_only", "True", inline=True)  # keeps the call's lines as they are
    return Fix("Load with `weights_only=True`", (edit,), safe=False) if edit is not None else None


RULE = Rule(
    id="torch-load-without-weights-only",
    title="PyTorch checkpoint loaded with full unpickling",
    category=Category.INJECTION,
    cwe=(502,),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset({"torch.load"}),
    where=unsafe_weights_only,
    fix=add_weights_only,
    aliases=("B614",),
    message="`torch.load(..., weights_only=False)` unpickles the file, which runs any code a "
    "malicious checkpoint holds.",
    docs="""## Why is this bad?
A `.pt`/`.pth` checkpoint is a zip of pickles. With `weights_only=False` (the default before
PyTorch 2.6) `torch.load` unpickles it completely, so a model downloaded from a hub, uploaded
by a user or swapped on shared storage can run arbitrary code the moment it is loaded.

## How to fix
Pass `weights_only=True`, which only rebuilds tensors, primitive containers and types you
allow-list with `torch.serialization.add_safe_globals`. Better still, store weights as
`safetensors`. Save a `state_dict` rather than a whole pickled model object.

## Fix safety
Unsafe: checkpoints that pickle whole `nn.Module` objects, optimiser classes or other custom
types stop loading (`UnpicklingError: Weights only load failed`) until those classes are
allow-listed. No fix is offered when a `pickle_module` is passed, which PyTorch forbids
together with `weights_only=True`.
""",
    references=(
        "https://pytorch.org/docs/stable/generated/torch.load.html",
        "https://pytorch.org/docs/stable/notes/serialization.html#weights-only",
        "https://huggingface.co/docs/safetensors/index",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
    examples="""
import torch
import torch as th
from torch import load
from torch import load as torch_load

# ruleid: torch-load-without-weights-only
state = torch.load("model.pt")
# ruleid: torch-load-without-weights-only
state = th.load(path, map_location="cpu", weights_only=False)
# ruleid: torch-load-without-weights-only
state = load(upload)
# ruleid: torch-load-without-weights-only
state = torch_load(buffer, map_location=device)
# ok: torch-load-without-weights-only
state = torch.load("model.pt", weights_only=True)
# ok: torch-load-without-weights-only
state = torch_load(path, map_location="cpu", weights_only=True)
# ok: torch-load-without-weights-only
state = torch.load(path, weights_only=trust_checkpoint)
# ok: torch-load-without-weights-only
state = torch.load(path, **load_options)
# ok: torch-load-without-weights-only
module = torch.jit.load("scripted.pt")
# PyTorch >= 2.6 defaults to weights_only=True, but the installed version is unknown here.
# todook: torch-load-without-weights-only
state = torch.load(path)
""",
)
