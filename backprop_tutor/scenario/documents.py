"""The source documents the built-in scenarios come from, by file name, with the title
`tutor list` heads each group with (the table of the seed documents' README)."""

from __future__ import annotations

from ..i18n import N_, _

DOCUMENTS = {
    "000_4a9749dc8cd03efe.txt": N_("Notes on a binarized network (sign activation, straight-through estimator)"),
    "001_ccda558a4ae8e48f.txt": N_("Neural network calculated by hand (the 2-2-1 height/weight net)"),
    "002_9c78fb10221bfba8.txt": N_("Training neural networks, part 1 (slides)"),
    "003_f52022dd7c009d47.txt": N_("Textbook chapter 18: deep feed-forward networks, practice"),
    "004_6fa224d0cb6ba71a.txt": N_("Multilayer perceptrons (a student notebook after d2l.ai)"),
}


def heading(document: str) -> str:
    """`002 Training neural networks, part 1 (slides)`; a document not in the table by its name."""
    if not document:
        return _("Other scenarios (no source document)")
    title = DOCUMENTS.get(document)
    if title is None:
        return document
    return f"{document.split('_', 1)[0]} {_(title)}"
