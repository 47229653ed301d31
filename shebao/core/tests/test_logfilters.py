import logging

from shebao.core.logfilters import MaskIdNumbers


def test_id_numbers_are_masked_in_log_records():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/api/v1/registry/persons/11010519491231002X/",),
        None,
    )
    assert MaskIdNumbers().filter(record) is True
    assert record.getMessage() == "Not Found: /api/v1/registry/persons/110105********002X/"


def test_other_numbers_are_left_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "case 2026000123 took 12 ms", (), None)
    MaskIdNumbers().filter(record)
    assert record.getMessage() == "case 2026000123 took 12 ms"
