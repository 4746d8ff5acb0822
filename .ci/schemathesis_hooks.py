"""Loaded by .ci/schemathesis (SCHEMATHESIS_HOOKS): teaches schemathesis to send the
workbook types the upload route documents. A workbook is sent as its raw bytes, exactly as
application/octet-stream is, which schemathesis already knows."""

import schemathesis

schemathesis.serializer.alias(
    [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.oasis.opendocument.spreadsheet",
    ],
    "application/octet-stream",
)
