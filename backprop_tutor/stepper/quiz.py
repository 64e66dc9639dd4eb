"""Quiz mode inside step mode's app: before each value is shown the student types a
prediction, marked as `tutor quiz` marks it (check/quiz.py: the digits written decide the
tolerance, follow-through credit, the classic mistake named; a hint with the numbers put
in after a first wrong try, the answer after a second). This module keeps the quiz's
state for the app and draws its pane; it computes nothing.
"""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from ..i18n import _
from ..render.matrix import number

#: what a student types instead of a number (as `tutor quiz` reads them)
SKIP, BACK = ("s", "skip"), ("b", "back")


class QuizMode:
    """A Quiz over the lesson's scenario; `step()` is the step the app shows meanwhile (the
    one before the asked value's step: what is known so far, the value itself not yet)."""

    def __init__(self, model, theme) -> None:
        from ..check.quiz import Quiz

        self.quiz = Quiz(model)
        self.theme = theme
        self.last = None  # the last Attempt
        self.note = ""

    @property
    def finished(self) -> bool:
        return self.quiz.finished

    def step(self, total: int) -> int:
        q = self.quiz.current()
        if q is None:
            return total - 1
        return max(0, q.step - 1)

    def typed(self, text: str) -> None:
        """What the student typed and entered: a number, or s (skip) or b (back)."""
        text = text.strip()
        self.note = ""
        if text.lower() in SKIP or not text:
            self.last = None
            self.note = "skipped"
            self.quiz.skip()
        elif text.lower() in BACK:
            self.last = None
            self.note = _("back to the question before")
            self.quiz.back()
        else:
            self.last = self.quiz.answer(text)

    def _attempt(self) -> list:
        t, a = self.theme, self.last
        if a is None:
            return [Text(self.note, style=t.dim)] if self.note else []
        name = a.question.name
        lines = []
        if a.verdict == "right":
            lines.append(Text(f"✓ {name} = {a.text}: right", style=t.phase_style("update")))
        elif a.verdict == "follow-through":
            computed = "" if a.computed is None else _(" (from your earlier values: {number})").format(number=number(a.computed, 6))
            lines.append(Text(_("✓ {name} = {text}: right by follow-through{computed}").format(name=name, text=a.text, computed=computed),
                              style=t.phase_style("update")))
        elif a.verdict == "invalid":
            lines.append(Text(a.message or _("{text} is not a number").format(text=repr(a.text)), style=t.warning))
        else:
            lines.append(Text(f"✗ {name} = {a.text}: wrong", style=t.warning))
            if a.diagnosis:
                lines.append(Text(_("  the mistake: {diagnosis}").format(diagnosis=a.diagnosis), style=t.text))
            if a.hint:
                lines.append(Text(_("  hint (try once more):"), style=t.strong))
                lines.append(Text("  " + a.hint, style=t.formula))
            if a.revealed is not None:
                lines.append(Text(_("  the answer: {name} = {number}").format(name=name, number=number(a.revealed, 6)), style=t.strong))
        return lines

    def renderable(self):
        t = self.theme
        sc = self.quiz.score()
        q = self.quiz.current()
        parts = self._attempt()
        if q is None:
            parts += [Text(""), Text(_("the quiz is done: {points}/{total} ({right} right, {credited} by follow-through, {wrong} wrong, {skipped} skipped)").format(points=sc.points, total=sc.total, right=sc.right, credited=sc.credited, wrong=sc.wrong, skipped=sc.skipped), style=t.strong),
                      Text(_("b and Enter goes back to the last question; Esc leaves the quiz"), style=t.dim)]
        else:
            parts += [Text(""),
                      Text(_("question {value} of {len} (step {value2})").format(value=self.quiz.position + 1, len=len(self.quiz.questions), value2=q.step + 1), style=t.dim),
                      Text(f"{q.name} = ?", style=t.formula)]
            if q.formula:
                parts.append(Text(q.formula, style=t.text))
            parts += [Text(""), Text(_("score {points}/{total} so far").format(points=sc.points, total=sc.total), style=t.dim),
                      Text(_("type your value and Enter; s skips, b goes back; Esc leaves the quiz"), style=t.dim)]
        return Panel(Group(*parts), title="quiz", title_align="left", box=t.box,
                     border_style=t.phase_style("loss"))


class Quizzing:
    """The app's quiz (a mixin of StepApp): c starts it, the quiz pane asks beside the step,
    Esc leaves it with the score said."""

    quizzing: QuizMode | None = None

    def start_quiz(self) -> None:
        from ..errors import TutorError
        from ..textsafe import visible

        try:
            self.quizzing = QuizMode(self.lesson.model, self.lesson.theme)
        except (TutorError, ValueError) as err:  # a scenario too large to quiz says so
            self.nav.message = visible(str(err))
            return
        self.close_explain()
        self.query_one("#quiz").display = True
        self.query_one("#quiz").styles.width = self.size.width // 2
        self.query_one("#answer").disabled = False
        self.query_one("#answer").focus()
        self._quiz_moved()

    def quiz_text(self) -> str:
        """The quiz pane as plain text (for tests and checks)."""
        from .panes import console

        if self.quizzing is None:
            return ""
        lines = console(max(20, self.size.width // 2), 100).render_lines(self.quizzing.renderable(), pad=False)
        return "\n".join("".join(seg.text for seg in line) for line in lines)

    def leave_quiz(self) -> None:
        sc = self.quizzing.quiz.score()
        self.nav.message = _("quiz left: {points}/{total} ({right} right, {credited} by follow-through)").format(points=sc.points, total=sc.total, right=sc.right, credited=sc.credited)
        self.quizzing = None
        self.query_one("#quiz").display = False
        self.query_one("#answer").disabled = True
        self.set_focus(None)
        self.redraw()

    def on_input_submitted(self, event) -> None:
        if self.quizzing is None:
            return
        self.quizzing.typed(event.value)
        event.input.value = ""
        self._quiz_moved()

    def _quiz_moved(self) -> None:
        """The step pane shows what is known before the value asked; the quiz pane asks."""
        from textual.widgets import Static

        self.nav.move(self.quizzing.step(self.lesson.total))
        self.query_one("#quiz-view", Static).update(self.quizzing.renderable())
        self.redraw()
