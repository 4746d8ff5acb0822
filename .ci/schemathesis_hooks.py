"""Loaded by .ci/schemathesis (SCHEMATHESIS_HOOKS): teaches schemathesis to send the
workbook types the upload route documents, and the DHIS2 formats a data value set may come
in. A workbook is sent as its raw bytes, exactly as application/octet-stream is, which
schemathesis already knows; a DHIS2 XML, CSV or ADX body is text."""

import schemathesis

schemathesis.serializer.alias(
    [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.oasis.opendocument.spreadsheet",
    ],
    "application/octet-stream",
)
schemathesis.serializer.alias(
    ["application/xml", "application/csv", "application/adx+xml"],
    "text/plain",
)
