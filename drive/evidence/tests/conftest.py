import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a temporary folder that disappears with the test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    return tmp_path / "uploads"
