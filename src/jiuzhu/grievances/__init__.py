"""Complaints, reports, questions and suggestions (投诉举报) from the portal, the window, the phone line and
letters, with a working-day deadline, assignment, investigation, answer and escalation."""
