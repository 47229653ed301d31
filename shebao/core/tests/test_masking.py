from shebao.core.masking import mask_account, mask_id_number, mask_phone


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_short_values_are_fully_masked():
    assert mask_id_number("12345") == "*****"
    assert mask_phone("12") == "**"


def test_phone_and_account():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_account("6222020200001234567") == "***************4567"
