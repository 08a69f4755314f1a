"""Checking what was made: the creative scorecard measured on the decoded render (scorecard.py, vision.py) and the
report `qianmian check` prints (report.py: compliance findings, platform findings, scorecards).

Above the render floor (it reads renders); the rules it applies live below it in studio/preflight."""
