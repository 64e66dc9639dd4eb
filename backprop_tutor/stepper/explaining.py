"""The derivation pane of step mode's app: pick a value (Tab, a click, `g NAME`), press e,
and its chain-rule derivation (what `tutor explain` prints: symbolic/derive.py drawn by
render/explain.py) opens beside the step, derived in a worker thread.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..i18n import _
from .panes import SYMPY, Lines, console, settle, unicode_formulas


class Explaining:
    """The app's explain actions (a mixin of StepApp)."""

    def action_pick(self, target: str) -> None:
        """A click on an entry: pick it and explain it."""
        self.selected = target
        self.explain(target)
        self.redraw()

    def action_explain(self) -> None:
        target = self.selected or self.lesson.step_target(self.nav.index)
        if target is None:
            self.nav.message = _("nothing to explain on this step: Tab picks a value, or click one")
            return
        self.explain(target)

    def close_explain(self) -> None:
        self.explaining = None
        self.query_one("#explain").display = False

    def explain(self, target: str) -> None:
        """Open the derivation of `target` beside the step (worked out in a worker thread)."""
        self.explaining = target
        pane = self.query_one("#explain")
        pane.display = True
        width = self.size.width // 2
        pane.styles.width = width
        inner = max(20, width - 3)
        found = self.explained.get((target, inner, self.lesson.theme.name))
        if found is not None:
            self._show_explanation(target, found)
            return
        self.derivation = ""
        self.query_one("#derivation", Static).update(Text(f"deriving {target} …", style=self.lesson.theme.dim))
        self.run_worker(lambda: self._derive(target, inner), thread=True, exclusive=True, group="explain")

    def _derive(self, target: str, inner: int) -> None:
        from ..errors import TutorError, UnsupportedError
        from ..render.explain import ExplainView
        from ..symbolic.derive import explain as derivation
        from ..symbolic.targets import parse
        from ..textsafe import visible

        les = self.lesson
        try:
            with SYMPY:
                unicode_formulas()
                view = ExplainView(derivation(les.model, parse(target, les.model)), les.model.name, theme=les.theme)
                lines = console(inner, 100).render_lines(view, pad=False)
            found = Lines(lines)
        except (TutorError, UnsupportedError, NotImplementedError) as err:  # what explain itself refuses
            found = Text(visible(f"{target}: {err}"), style=les.theme.warning)
        except Exception as err:  # noqa: BLE001 - a derivation that fails must not end the lesson
            found = Text(visible(_("{target}: the derivation failed ({name}: {err})").format(target=target, name=type(err).__name__, err=err)),
                         style=les.theme.warning)
        self.explained[(target, inner, les.theme.name)] = found
        self.call_from_thread(self._show_explanation, target, found)
        settle()

    def _show_explanation(self, target: str, found) -> None:
        if target != self.explaining:
            return
        self.derivation = found.plain if isinstance(found, Text) else \
            "\n".join("".join(seg.text for seg in line) for line in found.lines)
        self.query_one("#derivation", Static).update(found)
        self.query_one("#explain").scroll_home(animate=False)
