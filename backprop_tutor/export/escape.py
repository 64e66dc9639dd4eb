"""Text made inert in each output format: a scenario's name, title or description (or any
text the tutor writes) is shown as it is, never read as markup, math or a command."""

from __future__ import annotations

import html
import re
import unicodedata

from ..textsafe import visible

#: what Markdown reads as markup anywhere in a line (math, code, emphasis, links, HTML,
#: tables, entities); `-`, `+`, `=`, `.` and `)` only mean something at a line's start
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]<>()#!|$~&^])")
_MD_START = re.compile(r"^(\s*)([-+=:>]|\d+(?=[.)]))")


def plain(text: object) -> str:
    """One line: control characters shown as escapes, line breaks as spaces."""
    return visible(re.sub(r"[\r\n\t]+", " ", str(text)))


def md(text: object) -> str:
    """Markdown text: each character Markdown would read backslash-escaped (CommonMark),
    so that `$`, backticks, `<script>`, `*`, `[..](..)` and `|` stay text."""
    text = _MD_PUNCT.sub(r"\\\1", plain(text))
    found = _MD_START.match(text)
    if found and found.group(2)[0].isdigit():  # "1. " would start a list: escape its dot
        end = found.end()
        return text[:end] + "\\" + text[end:]
    return _MD_START.sub(lambda f: f.group(1) + "\\" + f.group(2), text, count=1)


def md_code(lines: list[str]) -> str:
    """A fenced code block whose fence is longer than any run of backticks inside."""
    body = "\n".join(visible(line, newlines=False) for line in lines)
    runs = [len(r) for r in re.findall(r"`+", body)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}text\n{body}\n{fence}"


def web(text: object) -> str:
    """HTML text (element content or a quoted attribute)."""
    return html.escape(plain(text), quote=True)


#: TeX's special characters, written with the standard (OT1) fonts alone, so that pdflatex
#: needs no font it would have to make first
_TEX_SPECIAL = {"\\": r"\ensuremath{\backslash}", "{": r"\{", "}": r"\}", "$": r"\ensuremath{\$}", "&": r"\&", "#": r"\#",
                "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "<": r"\ensuremath{<}",
                ">": r"\ensuremath{>}", "|": r"\ensuremath{|}", "`": r"\`{}", "-": "-{}"}


def tex(text: object) -> str:
    """LaTeX text: every character TeX gives a meaning to written as itself (`\\input`
    stays the eight characters). Other characters stay UTF-8, set up by `unicode_setup`."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in plain(text))


#: the tutor's own symbols, as math (names, arrows, operators of its formulas and prose)
_TEX_MATH = {
    "∂": r"\partial", "σ": r"\sigma", "λ": r"\lambda", "η": r"\eta", "α": r"\alpha", "δ": r"\delta",
    "Σ": r"\Sigma", "ℓ": r"\ell", "′": r"{}'", "⋅": r"\cdot", "·": r"\cdot", "×": r"\times", "→": r"\to",
    "←": r"\leftarrow", "⊙": r"\odot", "∘": r"\circ", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx",
    "‖": r"\|", "∑": r"\sum", "⋮": r"\vdots", "…": r"\ldots", "−": "-", "ŷ": r"\hat{y}", "Ŷ": r"\hat{Y}",
    "ᵀ": r"^{T}", "𝟙": r"\mathbf{1}", "∈": r"\in", "√": r"\surd", "∞": r"\infty", "μ": r"\mu",
    "θ": r"\theta", "τ": r"\tau", "ε": r"\varepsilon", "γ": r"\gamma", "β": r"\beta", "ρ": r"\rho",
}
_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻ⁱⁿᵀ"
_SUPER_TO = "0123456789()+-inT"
_SUB = "₀₁₂₃₄₅₆₇₈₉₍₎₊₋ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ"
_SUB_TO = "0123456789()+-aeoxhklmnpstij"
#: combining marks with a LaTeX accent command (NFD); others are left off the letter
_ACCENT = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0308": '"', "\u0323": "d",
           "\u0306": "u", "\u0304": "=", "\u030c": "v", "\u030a": "r", "\u0327": "c", "\u030b": "H"}


def _declaration(ch: str) -> str:
    if ch in _TEX_MATH:
        body = r"\ensuremath{%s}" % _TEX_MATH[ch]
    elif ch in _SUPER:
        body = r"\ensuremath{^{%s}}" % _SUPER_TO[_SUPER.index(ch)]
    elif ch in _SUB:
        body = r"\ensuremath{_{%s}}" % _SUB_TO[_SUB.index(ch)]
    else:
        body = r"\mbox{%s}" % _accented(ch)
    return r"\DeclareUnicodeCharacter{%04X}{%s}" % (ord(ch), body)


def _accented(ch: str) -> str:
    """A letter with accents as TeX's accent commands (é as \\'{e}); a character TeX's
    standard fonts do not have is written as its code point, visibly."""
    base, *marks = unicodedata.normalize("NFD", ch)
    if not base.isascii() or not base.isalpha():
        return r"\texttt{[U+%04X]}" % ord(ch)
    out = base
    for mark in marks:
        if mark in _ACCENT:
            out = "\\%s{%s}" % (_ACCENT[mark], out)
    return out


def unicode_setup(document: str) -> str:
    """The preamble lines that make every non-ASCII character of `document` printable by
    pdflatex (the document's own text stays as written)."""
    found = sorted({ch for ch in document if ord(ch) > 127})
    return "\n".join(_declaration(ch) for ch in found)
