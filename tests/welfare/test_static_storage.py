"""Static URLs worked out once per process (welfare/common/static_storage.py) are the storages' own URLs."""

import json

import pytest
from django.contrib.staticfiles import storage as django_storage
from django.templatetags.static import static
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseManifestStorage

from welfare.common.static_storage import CompressedManifestStaticFilesStorage, StaticFilesStorage

NAMES = ["css/app.css", "js/field/field.js", "icons/icon-192.png", "a name with spaces & 한글.css", "css/app.css#x"]


def test_the_plain_storage_gives_djangos_urls_and_remembers_them(monkeypatch):
    ours, theirs = StaticFilesStorage(), django_storage.StaticFilesStorage()
    expected = [theirs.url(name) for name in NAMES]
    assert [ours.url(name) for name in NAMES] == expected
    asked = []
    original = django_storage.StaticFilesStorage.url
    monkeypatch.setattr(django_storage.StaticFilesStorage, "url",
                        lambda self, name: asked.append(name) or original(self, name))
    assert [ours.url(name) for name in NAMES] == expected and asked == []  # each answered from the memo
    assert StaticFilesStorage().url(NAMES[0]) == expected[0] and asked == [NAMES[0]]  # a new storage asks


@pytest.fixture
def manifest(tmp_path):
    paths = {"css/app.css": "css/app.0123456789ab.css", "js/app.js": "js/app.ba9876543210.js"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "h"}))
    return tmp_path


def test_the_manifest_storage_gives_whitenoises_urls(manifest, settings):
    settings.DEBUG = False
    ours = CompressedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    theirs = WhiteNoiseManifestStorage(location=manifest, base_url="/static/")
    for name in ("css/app.css", "js/app.js", "css/app.css#x"):
        assert ours.url(name) == theirs.url(name)
        assert ours.url(name) == theirs.url(name)  # the second answer, from the memo
    assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css"
    assert ours.url("css/app.css", force=True) == theirs.url("css/app.css", force=True)
    with pytest.raises(ValueError):  # a file the manifest lacks is refused each time, never remembered
        ours.url("css/missing.css")
    with pytest.raises(ValueError):
        ours.url("css/missing.css")


def test_debug_gives_the_unhashed_name_as_the_manifest_storage_does(manifest, settings):
    ours = CompressedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    settings.DEBUG = False
    hashed = ours.url("css/app.css")
    settings.DEBUG = True
    assert ours.url("css/app.css") == "/static/css/app.css" != hashed


def test_the_product_uses_it():
    from django.core.files.storage import storages

    assert isinstance(storages["staticfiles"], (StaticFilesStorage, CompressedManifestStaticFilesStorage))
    assert static("css/app.css") == storages["staticfiles"].url("css/app.css")
