import os

from django.core.wsgi import get_wsgi_application

from jiuzhu import datadir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
datadir.prepare()  # a server started on a fresh data dir needs its keys before the settings read them
application = get_wsgi_application()
