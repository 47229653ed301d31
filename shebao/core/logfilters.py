"""Keep ID numbers out of server logs: a logging filter that masks them in every record."""

from __future__ import annotations

import logging

from shebao.core.masking import mask_id_numbers_in


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers_in(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
