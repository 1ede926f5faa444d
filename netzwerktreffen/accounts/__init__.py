"""Organiser accounts without the command line: invitations to a meeting's team and password resets by
e-mail (one-time links), and the rules a password has to keep."""
