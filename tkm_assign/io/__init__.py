"""Reading and validating input files, and writing outputs atomically.

``load_problem(participants_path, mentors_path, config)`` is the door every command goes
through: it reads both files, checks them completely and returns a frozen ``Problem``.
"""

from tkm_assign.io.validate import load_participants, load_problem, problem_from_frames

__all__ = ["load_participants", "load_problem", "problem_from_frames"]
