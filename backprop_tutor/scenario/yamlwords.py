"""PyYAML's descriptions of a syntax error (the `problem` of its MarkedYAMLError) in the
chosen language (libyaml's words when the C loader reads, PyYAML's otherwise): the common ones are marked here with N_ and translated in the catalog;
a description not among them is shown as PyYAML wrote it (the templates are str.format's:
{{ and }} stand for braces). The tokens PyYAML names
(<block end>, <scalar>, ...) are translated as well, the characters it quotes are kept."""

from __future__ import annotations

from ..i18n import N_, translate_known

PROBLEMS = (
    # libyaml's (the C loader's) descriptions
    N_("mapping values are not allowed in this context"),
    N_("block sequence entries are not allowed in this context"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}}'"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected node content"),
    N_("did not find expected <document start>"),
    N_("did not find expected alphabetic or numeric character"),
    N_("did not find expected comment or line break"),
    N_("did not find expected whitespace or line break"),
    N_("found character that cannot start any token"),
    N_("found unexpected ':'"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found unexpected document indicator"),
    N_("found unknown escape character"),
    N_("found undefined alias"),
    N_("found undefined tag handle"),
    # PyYAML's own (the Python loader's)
    N_("mapping values are not allowed here"),
    N_("mapping keys are not allowed here"),
    N_("sequence entries are not allowed here"),
    N_("could not find expected ':'"),
    N_("found character {char} that cannot start any token"),
    N_("found unexpected end of stream"),
    N_("found unexpected document separator"),
    N_("found unknown escape character {char}"),
    N_("found undefined alias {name}"),
    N_("found duplicate key"),
    N_("invalid indentation or unclosed '[' or '{{'"),
    N_("expected <block end>, but found {found}"),
    N_("expected the node content, but found {found}"),
    N_("expected ',' or ']', but got {found}"),
    N_("expected ',' or '}}', but got {found}"),
    N_("expected a comment or a line break, but found {found}"),
    N_("expected ' ', but found {found}"),
    N_("expected alphabetic or numeric character, but found {found}"),
    N_("expected '<document start>', but found {found}"),
    N_("'<block mapping start>'"),
    N_("'<block sequence start>'"),
    N_("'<block entry>'"),
    N_("'<block end>'"),
    N_("'<scalar>'"),
    N_("'<key>'"),
    N_("'<value>'"),
    N_("'<anchor>'"),
    N_("'<alias>'"),
    N_("'<flow sequence start>'"),
    N_("'<flow sequence end>'"),
    N_("'<flow mapping start>'"),
    N_("'<flow mapping end>'"),
    N_("'<flow entry>'"),
    N_("'<document start>'"),
    N_("'<document end>'"),
    N_("'<stream end>'"),
)


def problem(text: str) -> str:
    """PyYAML's description of a syntax error, in the chosen language where it is known."""
    return translate_known(text, PROBLEMS, inner=("found",))
