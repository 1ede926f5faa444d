"""gunicorn's settings for netzwerktreffen (gunicorn reads ./gunicorn.conf.py from the directory it is
started in; elsewhere pass ``-c /path/to/gunicorn.conf.py``).

The access log (``--access-logfile -`` or ``accesslog``) and the error log never show a personal link's
token: ``/r/<token>…`` and ``/kalender/<token>.ics`` are written as ``/r/***…`` (web/access_log.py).
"""
logger_class = "netzwerktreffen.web.access_log.MaskingGunicornLogger"

# The longest request is a print-out of at most 20 sheets (day/print_jobs.py: SYNC_SHEETS), a few seconds;
# larger ones are made in the background and planning runs in the background too. 60 s leaves room on a
# busy machine (gunicorn's default is 30 s).
timeout = 60
