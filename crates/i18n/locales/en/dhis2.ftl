# The DHIS2 Web API (/api/dataValueSets and its neighbours). DHIS2's own conflict messages,
# with their codes (E76xx), in DHIS2's words: DHIS2's clients and the people who use them
# know them.
dhis2-e7610 = Data element not found or not accessible: `{ $id }`
dhis2-e7611 = Period not valid: `{ $id }`
dhis2-e7612 = Organisation unit not found or not accessible: `{ $id }`
dhis2-e7617 = Organisation unit: `{ $id }` not in hierarchy of current user: `{ $user }`
dhis2-e7619 = Value must match data element's `{ $id }` type constraints: a number
dhis2-e7634 = Category option combo: `{ $coc }` must be part of category combo of data element: `{ $id }`
dhis2-e7642 = Data already approved for data set: `{ $set }` period: `{ $period }` org unit: `{ $id }` attribute option combo: `HllvX50cXC0`
dhis2-e7643 = Period: `{ $period }` is not open for this data set at this time: `{ $set }` (submitted for approval; it opens again when returned)
dhis2-derived = Data element: `{ $id }` is computed from others (solieu's derived indicator); enter the figures it is computed from
dhis2-rule = Validation rule broken: { $message }
dhis2-import-ok = Import was successful.
dhis2-import-warning = One or more conflicts encountered, please check import summary.
dhis2-import-error = An error occurred, please check import summary.
dhis2-delete-not-kept = importStrategy DELETE is not supported: solieu keeps every figure with its history; send the corrected value instead
dhis2-unknown-strategy = importStrategy must be CREATE, UPDATE, CREATE_AND_UPDATE or NEW_AND_UPDATES
dhis2-unknown-scheme = { $name } must be UID or CODE
dhis2-unknown-atomic = atomicMode must be ALL or NONE
dhis2-bad-bool = { $name } must be true or false
dhis2-bad-date = { $name } must be a date written 2020-06-30
dhis2-bad-number = { $name } must be a whole number from 1 (pageSize at most 10000, page at most 1000000)
dhis2-no-such-object = { $kind } `{ $id }` not found
dhis2-value-sets-need = A data value set export needs a data set (dataSet), a period (period, or startDate and endDate) and an organisation unit (orgUnit)
dhis2-unknown-data-set = Data set not found or not accessible: `{ $id }`
dhis2-no-value = Data value does not exist
dhis2-value-missing = A data value needs dataElement (de), period (pe), orgUnit (ou) and value
dhis2-unreadable-body = The body is not a DHIS2 data value set (JSON, XML, CSV or ADX)
dhis2-bad-filter = filter `{ $filter }` is not understood: solieu takes id, code, name, level and parent.id with eq, in, like and ilike
dhis2-bad-level = level must be a whole number from 1 to { $most }
dhis2-e7619-integer = Value must match data element's `{ $id }` type constraints: an integer (it counts one by one)
