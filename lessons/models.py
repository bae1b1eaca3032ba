# Lessons, steps, checks and progress arrive with the lessons issue.
