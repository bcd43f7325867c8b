#!/usr/bin/env python3
"""Writes what exiftool reads as person and keyword tags in the outside corpus.

The outside corpus (``../shared/corpus/outside``: real files from other public projects, listed in
its ``SOURCES.tsv``) is the measure of the tag reader (SPEC section 3.1, "Every packet, every
page"): MediaGate must read every person and keyword value that exiftool, the reference reader of
the field, reads there. This script asks exiftool once for all files and writes, per file, the
values of exactly the SPEC 3.1 locations, so the tests can compare without exiftool::

    scripts/outside-expectations.py [CORPUS_OUTSIDE_DIR] [OUTPUT_JSON]

Defaults: ``../shared/corpus/outside`` from the repository root, and
``tests/Kalisto.MediaGate.Core.Tests/Data/outside-expected.json``. Needs python3 and exiftool
(Debian ``libimage-exiftool-perl``); the committed file was written with exiftool 12.57. The
output is deterministic (sorted), so a re-run with the same exiftool gives the same file.

exiftool is run as ``exiftool -j -G1:4 -struct -a ...``: JSON, family-1 group names with copy
numbers (``IPTC:Copy1:Keywords``), structures kept whole (so a region's name stays with its type)
and duplicates kept (``-a``). IPTC text without a 1:90 coded character set is ambiguous: exiftool
decodes it as Latin-1 unless told otherwise, and this corpus has both (Hungarian Latin-1 keywords,
Czech UTF-8 ones that Latin-1 turns into mojibake). So exiftool reads the IPTC keywords a second
time with ``-charset iptc=UTF8``, and a file's UTF-8 reading is taken when it has no undecodable
bytes (exiftool shows those as ``?``), as readers that guess the charset do.

Person values (SPEC 3.2: every value is a person):
  * XMP-iptcExt:PersonInImage (each item)
  * XMP-iptcExt:PersonInImageWDetails[] PersonId (each item) and PersonName (every language)
  * XMP-mwg-rs:RegionInfo RegionList[] Name, for regions of Type Face or with no Type (a Pet, Focus
    or BarCode region is not a person; SPEC 3.1 reads MWG *face* regions)
  * XMP-MP:RegionInfoMP Regions[] PersonDisplayName
  * XMP-iptcExt:ImageRegion[] PersonInImage, and its PersonInImageWDetails[] PersonId/PersonName
    (the region's own Name is a label of the region, not a person)

Keyword values:
  * XMP-dc:Subject
  * XMP-lr:HierarchicalSubject, each level of ``A|B|C``
  * digiKam TagsList, each level of ``A/B/C``: XMP-digiKam:TagsList, and TagsList of a namespace
    exiftool does not know (``XMP-tmpN``), which is how it shows digiKam 4's old namespace URI
    ``http://www.digikam.org/``
  * XMP-microsoft:LastKeywordXMP and LastKeywordIPTC, each level of ``A/B``
  * IPTC 2:25 Keywords, from every IPTC block (``IPTC``, ``IPTC2``, ... e.g. an AFCP trailer)
  * EXIF XPKeywords of any IFD, split at ``;``
  * QuickTime Keys:Keywords (``com.apple.quicktime.keywords``); XMP inside videos is XMP-dc etc.

Values are trimmed (white space and NUL, as the reader does); empty ones are dropped; each file
keeps a sorted set per kind, with the exiftool tags each value came from.

Damage (``exiftoolError``): the message of an exiftool ``Error``, or of a ``Warning`` that says a
structure of the file is broken -- not marked ``[minor]`` and containing "bad", "corrupt",
"truncated", "format error" or "missing" (e.g. ``Bad IPTC data tag``, ``Truncated 'mdat' data``,
``Missing JPEG SOS``). Other warnings (``IPTCDigest is not current``, ``Non-standard header for
APP1 XMP segment``, ``Invalid EXIF text encoding``, anything ``[minor]``) describe files that are
whole, so MediaGate must read them. Null when exiftool finds no damage. Only there may MediaGate
answer ``unreadable``.
"""

import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "outside")
DEFAULT_OUTPUT = os.path.join(ROOT, "tests", "Kalisto.MediaGate.Core.Tests", "Data", "outside-expected.json")

DAMAGE = re.compile(r"\b(bad|corrupt\w*|truncated|format error|missing)\b", re.IGNORECASE)


def as_list(value):
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def texts(value):
    """Every text in a value: a scalar, a list of scalars (structures give nothing)."""
    return [v for v in as_list(value) if not isinstance(v, (dict, list))]


def clean(value):
    text = str(value).strip().strip("\0").strip()
    return text or None


def lang_alt(entry, field):
    """A lang-alt field in a structure: ``PersonName`` (x-default) and ``PersonName-de`` etc."""
    return [v for k, v in entry.items() if k == field or k.startswith(field + "-")]


def split_key(key):
    """``IPTC2:Copy1:Keywords`` -> (``IPTC2``, ``Keywords``)."""
    parts = key.split(":")
    return parts[0], parts[-1]


def wdetails(entries):
    for entry in as_list(entries):
        if isinstance(entry, dict):
            yield from texts(entry.get("PersonId"))
            for name in lang_alt(entry, "PersonName"):
                yield from texts(name)


def persons(group, tag, value):
    if group == "XMP-iptcExt" and tag == "PersonInImage":
        yield from texts(value)
    elif group == "XMP-iptcExt" and tag == "PersonInImageWDetails":
        yield from wdetails(value)
    elif group == "XMP-mwg-rs" and tag == "RegionInfo" and isinstance(value, dict):
        for region in as_list(value.get("RegionList")):
            if isinstance(region, dict) and str(region.get("Type", "Face")).strip().lower() == "face":
                yield from texts(region.get("Name"))
    elif group == "XMP-MP" and tag == "RegionInfoMP" and isinstance(value, dict):
        for region in as_list(value.get("Regions")):
            if isinstance(region, dict):
                yield from texts(region.get("PersonDisplayName"))
    elif group == "XMP-iptcExt" and tag == "ImageRegion":
        for region in as_list(value):
            if isinstance(region, dict):
                yield from texts(region.get("PersonInImage"))
                yield from wdetails(region.get("PersonInImageWDetails"))


def levels(paths, separator):
    for path in texts(paths):
        yield from str(path).split(separator)


def keywords(group, tag, value):
    if group == "XMP-dc" and tag == "Subject":
        yield from texts(value)
    elif group == "XMP-lr" and tag == "HierarchicalSubject":
        yield from levels(value, "|")
    elif (group == "XMP-digiKam" or re.fullmatch(r"XMP-tmp\d+", group)) and tag == "TagsList":
        yield from levels(value, "/")
    elif group == "XMP-microsoft" and tag in ("LastKeywordXMP", "LastKeywordIPTC"):
        yield from levels(value, "/")
    elif re.fullmatch(r"IPTC\d*", group) and tag == "Keywords":
        yield from texts(value)
    elif tag == "XPKeywords" and re.fullmatch(r"IFD\d+|SubIFD\d*|ExifIFD", group):
        yield from levels(value, ";")
    elif group == "Keys" and tag == "Keywords":
        yield from texts(value)


def damage(record):
    for key, value in record.items():
        _, tag = split_key(key)
        for message in texts(value):
            message = str(message)
            if tag == "Error":
                return message
            if tag == "Warning" and not message.startswith("[minor]") and DAMAGE.search(message):
                return message
    return None


def collect(values):
    found = {}
    for tag, value in values:
        text = clean(value)
        if text is not None:
            found.setdefault(text, set()).add(tag)
    return [{"value": v, "from": sorted(found[v])} for v in sorted(found)]


def exiftool(corpus, files, options):
    # -@ - reads the file names from stdin, one a line (names hold spaces and brackets).
    run = subprocess.run(
        ["exiftool", "-j", "-G1:4", "-struct", "-a", "-q", "-q", *options, "-@", "-"],
        cwd=corpus, input="\n".join(files) + "\n", capture_output=True, text=True, encoding="utf-8")
    if not run.stdout.strip():
        raise SystemExit(f"exiftool gave no output: {run.stderr.strip()}")
    # Numbers stay as exiftool wrote them (a keyword "2026" or "1.50" is text here).
    return {r["SourceFile"]: r for r in json.loads(run.stdout, parse_float=str, parse_int=str)}


def undecodable(values):
    return sum(str(v).count("?") + str(v).count("\ufffd") for value in values.values() for v in texts(value))


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    corpus = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CORPUS)
    output = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUTPUT)
    with open(os.path.join(corpus, "SOURCES.tsv"), encoding="utf-8") as f:
        files = [line.split("\t")[0] for line in f.read().splitlines()[1:] if line.strip()]

    version = subprocess.run(["exiftool", "-ver"], check=True, capture_output=True, text=True).stdout.strip()
    by_file = exiftool(corpus, files, [])
    utf8 = exiftool(corpus, files, ["-charset", "iptc=UTF8", "-IPTC:Keywords"])

    result = {}
    for name in files:
        record = by_file.get(name)
        if record is None:
            raise SystemExit(f"exiftool gave nothing for {name}")
        record = dict(record)
        iptc = {k: v for k, v in utf8.get(name, {}).items() if k != "SourceFile"}
        if iptc and undecodable(iptc) <= undecodable({k: record.get(k) for k in iptc}):
            record.update(iptc)
        person_values, keyword_values = [], []
        for key, value in record.items():
            group, tag = split_key(key)
            label = f"{group}:{tag}"
            person_values += [(label, v) for v in persons(group, tag, value)]
            keyword_values += [(label, v) for v in keywords(group, tag, value)]
        result[name] = {
            "sha256": sha256(os.path.join(corpus, name)),
            "persons": collect(person_values),
            "keywords": collect(keyword_values),
            "exiftoolError": damage(record),
        }

    document = {
        "about": "What exiftool reads in the outside corpus at the SPEC 3.1 locations; written by "
                 "scripts/outside-expectations.py, do not edit by hand.",
        "exiftool": version,
        "files": result,
    }
    with open(output, "w", encoding="utf-8", newline="\n") as f:
        json.dump(document, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    persons_total = sum(len(r["persons"]) for r in result.values())
    keywords_total = sum(len(r["keywords"]) for r in result.values())
    damaged = sum(1 for r in result.values() if r["exiftoolError"])
    print(f"{len(result)} files: {persons_total} person values, {keywords_total} keyword values, "
          f"{damaged} damaged according to exiftool {version} -> {os.path.relpath(output, ROOT)}")


if __name__ == "__main__":
    main()
