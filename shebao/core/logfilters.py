"""Keep ID numbers out of server logs: a logging filter that masks them in every record."""

from __future__ import annotations

import logging
import re

from shebao.core.masking import mask_id_number

ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
