"""Clients nobody here wrote against `solieu serve` on the demo database: ckanapi lists and
reads the published data sets through the CKAN-compatible API as a national portal's harvester
would, and rdflib reads the DCAT catalogue as JSON-LD. Run by open_data_client.rs."""

import csv
import io
import os
import sys
import urllib.request

import ckanapi
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

BASE = os.environ["BASE_URL"]
WANT = "binh-lieu-2020s1"


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


portal = ckanapi.RemoteCKAN(BASE, user_agent="solieu-open-data-test")
names = portal.action.package_list()
if WANT not in names:
    fail(f"package_list has no {WANT}: {names}")
print("ok: package_list", names)

package = portal.action.package_show(id=WANT)
if "6 tháng đầu năm 2020" not in package["title"]:
    fail("title: " + package["title"])
formats = sorted(r["format"] for r in package["resources"])
if formats != ["CSV", "JSON", "XLSX"]:
    fail(f"resources: {formats}")
if package["organization"]["name"] != "binh-lieu":
    fail(f"organization: {package['organization']}")
extras = {e["key"]: e["value"] for e in package["extras"]}
if (extras.get("temporal_start"), extras.get("temporal_end")) != ("2020-01-01", "2020-06-30"):
    fail(f"temporal coverage: {extras}")
print("ok: package_show", package["title"])

# The CSV distribution is the statistics as approved.
csv_url = next(r["url"] for r in package["resources"] if r["format"] == "CSV")
text = urllib.request.urlopen(csv_url).read().decode("utf-8-sig")
rows = {r["ma_chi_tieu"]: r for r in csv.DictReader(io.StringIO(text))}
if rows.get("GTSX", {}).get("gia_tri") != "643.41":
    fail(f"GTSX in the CSV: {rows.get('GTSX')}")
print("ok: the CSV distribution holds GTSX 643.41")

found = portal.action.package_search(q="binh lieu 2020", rows=5)
if found["count"] < 1 or found["results"][0]["name"] != WANT:
    fail(f"package_search: {found['count']} {[r['name'] for r in found['results']]}")
none = portal.action.package_search(q="khong co bo du lieu nay")
if none["count"] != 0:
    fail(f"a search for nothing found {none['count']}")
print("ok: package_search")

organizations = portal.action.organization_list()
if "binh-lieu" not in organizations:
    fail(f"organization_list: {organizations}")
print("ok: organization_list", organizations)

try:
    portal.action.package_show(id="khong-co-bo-nay")
    fail("an unknown data set was shown")
except ckanapi.NotFound:
    print("ok: an unknown data set is NotFound")

graph = rdflib.Graph()
graph.parse(BASE + "/catalog.jsonld", format="json-ld")
datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
if not datasets:
    fail("no dcat:Dataset in the catalogue")
titles = [str(t) for d in datasets for t in graph.objects(d, DCTERMS.title)]
if not any("6 tháng đầu năm 2020" in t for t in titles):
    fail(f"catalogue titles: {titles}")
downloads = [str(u) for u in graph.objects(None, DCAT.downloadURL)]
if not any(u.endswith("ky=2020S1&tep=csv") for u in downloads):
    fail(f"download URLs: {downloads}")
if len(list(graph.subjects(RDF.type, DCAT.Catalog))) != 1:
    fail("not one dcat:Catalog")
print(f"ok: the catalogue parses as JSON-LD: {len(datasets)} data sets, {len(downloads)} files")
