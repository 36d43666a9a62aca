import pytest

from clerk.extract.ocr.checksums import iban_valid, identifier_valid, vat_id_valid


@pytest.mark.parametrize("iban", ["DE89370400440532013000", "FR14 2004 1010 0505 0001 3M02 606",
                                  "GB33BUKB20201555555555"])
def test_real_ibans_pass(iban):
    assert iban_valid(iban)


@pytest.mark.parametrize("iban", ["DE89370400440532013001", "DE89370400440532O13000", "DE8937", ""])
def test_one_misread_character_fails(iban):
    assert not iban_valid(iban)


def test_vat_ids_with_known_check_digits():
    assert vat_id_valid("DE136695976") and vat_id_valid("FR40303265045")
    assert vat_id_valid("DE136695978") is False and vat_id_valid("FR40303265046") is False
    assert vat_id_valid("GB980780684") is None   # no check known: no verdict
    assert identifier_valid("totals.payable", "1.00") is None
