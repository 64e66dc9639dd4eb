"""`tutor check` and `tutor quiz`: the student does the work, the tutor marks it.

answers.py reads an answer sheet, names.py reads its names (explain's grammar),
marks.py is the tolerance, world.py runs the engine's one pass on the student's own
numbers (follow-through), mistakes.py holds the classic mistakes (one rule each),
marking.py marks a sheet, sheet.py writes the blank sheet, quiz.py is quiz mode as a
state machine. Nothing here prints; render/check.py and cli/check.py do.
"""

from .quiz import Attempt, Question, Quiz, Score

__all__ = ["Attempt", "Question", "Quiz", "Score"]
