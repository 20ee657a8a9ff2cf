from django.conf import settings
from django.urls import reverse


def test_the_portal_speaks_english(client, standards):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name, words in [
        ("portal:home", ["Social assistance public services", "Minimum living standards in force", "How to apply"]),
        ("portal:apply", ["Apply for social assistance online", "Add a household member"]),
        ("portal:self_check", ["Self-check", "Nothing you enter is stored"]),
        ("portal:complaint", ["Complaints, reports, questions and suggestions"]),
        ("portal:status", ["Follow an application"]),
    ]:
        html = client.get(reverse(name)).content.decode()
        for word in words:
            assert word in html, (name, word)
