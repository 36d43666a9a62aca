import pytest

from clerk.errors import ConfigError
from clerk.extract.ocr import APT_PACKAGES, OcrSettings, check_tesseract


def test_a_missing_binary_names_the_apt_packages(tmp_path):
    with pytest.raises(ConfigError) as caught:
        check_tesseract(OcrSettings(tesseract_cmd=str(tmp_path / "no-tesseract")))
    assert caught.value.key == "tesseract_cmd"
    assert APT_PACKAGES in str(caught.value)
    assert APT_PACKAGES == "tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra"


def test_a_binary_that_fails_is_named_too(tmp_path):
    broken = tmp_path / "tesseract"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(ConfigError) as caught:
        check_tesseract(OcrSettings(tesseract_cmd=str(broken)))
    assert "exit 3" in caught.value.message and APT_PACKAGES in caught.value.message


def test_a_missing_language_names_its_package(tesseract):
    with pytest.raises(ConfigError) as caught:
        check_tesseract(OcrSettings(), ("eng", "ita"))
    assert caught.value.key == "languages"
    assert "tesseract-ocr-ita" in caught.value.message


def test_the_installed_tesseract_has_the_three_languages(tesseract):
    info = check_tesseract(OcrSettings())
    assert {"eng", "deu", "fra"} <= info.languages
    assert info.version.startswith("tesseract")


def test_language_codes_are_checked_before_they_reach_a_command_line():
    with pytest.raises(ValueError):
        OcrSettings(languages=("eng", "--psm 0"))
    with pytest.raises(ValueError):
        OcrSettings(languages=())
