"""A DHIS2 client nobody here wrote, against a running `solieu serve` holding DHIS2's own
metadata (Sierra Leone > Bo > Badjia > Ngelehun CHC, Njandama MCHP): run by dhis2_client.rs
with the venv of .ci/dhis2-client. Every step says what it expected; any failure exits 1.

Environment: BASE_URL, OFFICER and PASSWORD (the commune officer of Ngelehun CHC), TOKEN (a
token of that officer's, from /api/v1/tokens), LOCKED_PERIOD (a month whose figures the office
has approved)."""

import os
import sys

from dhis2_client import DHIS2Client
from dhis2_client.errors import DHIS2HTTPError

NGELEHUN = "DiszpKrYNg8"
NJANDAMA = "g8upMTyEZGZ"
SIERRA_LEONE = "ImspTQPwCqd"
MALARIA_ELIMINATION = "VEM58nY22sO"
DEFAULT = "HllvX50cXC0"
PERIOD = "202001"


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def conflict_codes(error):
    return [c.get("errorCode") for c in error.payload["response"]["conflicts"]]


def main():
    base = os.environ["BASE_URL"]
    client = DHIS2Client(base, username=os.environ["OFFICER"], password=os.environ["PASSWORD"])

    info = client.get_system_info()
    check(info["version"].startswith("2."), f"system info names a DHIS2 API version: {info['version']}")
    me = client.get_current_user()
    check([u["id"] for u in me["organisationUnits"]] == [NGELEHUN], f"the officer works on Ngelehun CHC: {me}")

    tree = client.get_org_unit_tree(root_uid=SIERRA_LEONE, levels=4)
    names = []

    def walk(unit):
        names.append(unit.get("displayName"))
        for child in unit.get("children", []):
            walk(child)

    walk(tree)
    check(
        names[:3] == ["Sierra Leone", "Bo", "Badjia"] and "Ngelehun CHC" in names,
        f"the organisation unit tree comes across whole: {names}",
    )

    data_sets = {s["id"]: s for s in client.get_data_sets(fields="id,displayName,periodType,dataSetElements")}
    check(MALARIA_ELIMINATION in data_sets, f"the data sets list the imported one: {sorted(data_sets)}")
    check(data_sets[MALARIA_ELIMINATION]["periodType"] == "Monthly", "its period type is DHIS2's")
    in_set = {e["dataElement"]["id"] for e in data_sets[MALARIA_ELIMINATION]["dataSetElements"]}
    elements = client.get_data_elements(fields="id,displayName,categoryOptionCombos", paging="false")
    plain = sorted(
        e["id"]
        for e in elements
        if e["id"] in in_set and [c["id"] for c in e["categoryOptionCombos"]] == [DEFAULT]
    )
    check(len(plain) >= 2, f"data elements of the set without disaggregation: {plain[:5]}")
    first, second = plain[:2]

    values = [
        {"dataElement": first, "categoryOptionCombo": DEFAULT, "value": "17"},
        {"dataElement": second, "categoryOptionCombo": DEFAULT, "value": "4"},
    ]
    summary = client.post_data_value_set(
        {"dataSet": MALARIA_ELIMINATION, "orgUnit": NGELEHUN, "period": PERIOD, "dataValues": values}
    )
    response = summary.get("response", summary)
    check(response["status"] == "SUCCESS", f"the value set is imported: {response}")
    check(response["importCount"]["imported"] == 2, f"two values imported: {response['importCount']}")

    read = client.get_data_value_set({"dataSet": MALARIA_ELIMINATION, "orgUnit": NGELEHUN, "period": PERIOD})
    got = {(v["dataElement"], v["value"]) for v in read["dataValues"]}
    check({(first, "17"), (second, "4")} <= got, f"read back as written: {sorted(got)}")
    check(client.get_data_value(first, PERIOD, NGELEHUN, co=DEFAULT) == ["17"], "one value read back")
    client.set_data_value(first, PERIOD, NGELEHUN, 18, co=DEFAULT)
    check(client.get_data_value(first, PERIOD, NGELEHUN, co=DEFAULT) == ["18"], "one value changed")

    try:
        client.post_data_value_set(
            {"dataSet": MALARIA_ELIMINATION, "orgUnit": NJANDAMA, "period": PERIOD, "dataValues": values}
        )
        check(False, "another facility's figures are refused")
    except DHIS2HTTPError as error:
        check(error.status_code == 409, f"another facility's figures: 409 ({error.status_code})")
        check(conflict_codes(error) == ["E7617", "E7617"], f"as not in the officer's hierarchy: {conflict_codes(error)}")

    locked = os.environ["LOCKED_PERIOD"]
    try:
        client.post_data_value_set(
            {"dataSet": MALARIA_ELIMINATION, "orgUnit": NGELEHUN, "period": locked, "dataValues": values}
        )
        check(False, "figures of an approved month are refused")
    except DHIS2HTTPError as error:
        check(error.status_code == 409, f"an approved month: 409 ({error.status_code})")
        check(set(conflict_codes(error)) == {"E7642"}, f"as already approved: {conflict_codes(error)}")

    with_token = DHIS2Client(base, token=os.environ["TOKEN"])
    check(with_token.get_current_user()["username"] == os.environ["OFFICER"], "a personal access token signs in")

    stranger = DHIS2Client(base, username=os.environ["OFFICER"], password="not-the-password", retries=0)
    try:
        stranger.get_current_user()
        check(False, "a wrong password is refused")
    except DHIS2HTTPError as error:
        check(error.status_code == 401, f"a wrong password: 401 ({error.status_code})")


if __name__ == "__main__":
    main()
