"""Talking to participants while a training runs: announcements to a filtered group, automatic session
reminders and schedule updates (with .ics), and the WhatsApp click-to-chat lists for both."""
